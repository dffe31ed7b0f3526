using System.Collections.Frozen;

namespace Portique.Templating.Runtime;

/// <summary>The read-only Python <c>list</c> methods (template values are never mutated).</summary>
internal static class ListMethods
{
    public static readonly FrozenDictionary<string, ValueMethod<IReadOnlyList<object?>>> All =
        new Dictionary<string, ValueMethod<IReadOnlyList<object?>>>
        {
            ["count"] = new(1, 1, (list, args) => (long)list.Count(item => PythonOperators.AreEqual(item, args[0]))),
            ["index"] = new(1, 1, (list, args) => Index(list, args)),
        }.ToFrozenDictionary(StringComparer.Ordinal);

    private static long Index(IReadOnlyList<object?> list, IReadOnlyList<object?> args)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (PythonOperators.AreEqual(list[i], args[0]))
            {
                return i;
            }
        }

        throw new EvaluationException(Messages.FormatValueNotInList(PythonText.Repr(args[0])));
    }
}
