using Portique.Templating.Parsing;
using Portique.Templating.Runtime;

namespace Portique.Templating.Syntax;

/// <summary><c>%for %%x in expression</c> (or <c>%for %%i, %%x in ...</c>) … <c>%end for</c>.</summary>
internal sealed class ForNode(SourcePosition position, IReadOnlyList<string> targets, Expression iterable, Block body) : TemplateNode(position)
{
    protected override Flow ExecuteCore(RenderContext context)
    {
        foreach (var item in PythonSequences.Iterate(iterable.Evaluate(context)))
        {
            context.CountLoopIteration();
            Assign(context, item);
            if (body.Execute(context) == Flow.Break)
            {
                break;
            }
        }

        return Flow.Normal;
    }

    private void Assign(RenderContext context, object? item)
    {
        if (targets.Count == 1)
        {
            context.Locals[targets[0]] = item;
            return;
        }

        var values = PythonSequences.Unpack(item, targets.Count);
        for (var i = 0; i < targets.Count; i++)
        {
            context.Locals[targets[i]] = values[i];
        }
    }
}
