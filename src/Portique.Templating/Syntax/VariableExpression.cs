using Portique.Templating.Parsing;
using Portique.Templating.Runtime;

namespace Portique.Templating.Syntax;

/// <summary>
/// A variable read. <c>%%name</c> looks in the template's locals first, then its <c>%set global</c>s, then in the scope
/// (Cheetah's NameMapper); a bare <c>name</c> is a local or global only.
/// </summary>
internal sealed class VariableExpression(SourcePosition position, string name, bool isPlaceholder) : Expression(position, 1)
{
    protected override object? EvaluateCore(RenderContext context)
    {
        if (context.Locals.TryGetValue(name, out var local) || context.Globals.TryGetValue(name, out local))
        {
            return local;
        }

        if (!isPlaceholder)
        {
            throw new EvaluationException(Messages.FormatLocalNotSet(name));
        }

        return context.Scope.TryGetVariable(name, out var value)
            ? PythonValue.Normalize(value)
            : throw new EvaluationException(Messages.FormatUndefinedVariable(name));
    }
}
