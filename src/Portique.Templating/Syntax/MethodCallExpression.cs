using Portique.Templating.Parsing;
using Portique.Templating.Runtime;

namespace Portique.Templating.Syntax;

/// <summary><c>target.name(arguments)</c>.</summary>
internal sealed class MethodCallExpression(SourcePosition position, Expression target, string name, IReadOnlyList<Expression> arguments)
    : Expression(position, DepthAbove([target, .. arguments]))
{
    protected override object? EvaluateCore(RenderContext context)
    {
        var receiver = target.Evaluate(context);
        return Members.CallMethod(receiver, name, [.. arguments.Select(argument => argument.Evaluate(context))]);
    }
}
