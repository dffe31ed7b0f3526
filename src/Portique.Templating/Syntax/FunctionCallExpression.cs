using Portique.Templating.Parsing;
using Portique.Templating.Runtime;

namespace Portique.Templating.Syntax;

/// <summary><c>name(arguments)</c> or <c>%%name(arguments)</c>: a builtin or helper resolved at parse time.</summary>
internal sealed class FunctionCallExpression(SourcePosition position, BuiltinFunction function, IReadOnlyList<Expression> arguments)
    : Expression(position, DepthAbove([null, .. arguments]))
{
    protected override object? EvaluateCore(RenderContext context) =>
        function.Invoke(context, [.. arguments.Select(argument => argument.Evaluate(context))]);
}
