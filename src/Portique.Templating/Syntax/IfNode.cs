using Portique.Templating.Parsing;
using Portique.Templating.Runtime;

namespace Portique.Templating.Syntax;

/// <summary>A condition and the block it guards: the <c>%if</c> or one <c>%elif</c>.</summary>
internal sealed record ConditionalBranch(Expression Condition, Block Body);

/// <summary><c>%if</c> … <c>%elif</c> … <c>%else</c> … <c>%end if</c>.</summary>
internal sealed class IfNode(SourcePosition position, IReadOnlyList<ConditionalBranch> branches, Block? otherwise) : TemplateNode(position)
{
    protected override Flow ExecuteCore(RenderContext context)
    {
        foreach (var branch in branches)
        {
            if (PythonValue.IsTrue(branch.Condition.Evaluate(context)))
            {
                return branch.Body.Execute(context);
            }
        }

        return otherwise?.Execute(context) ?? Flow.Normal;
    }
}
