using System.Collections;

namespace Portique.Templating.Runtime;

/// <summary>A Python tuple, as produced by <c>enumerate()</c>: a list that prints as <c>(0, 'a')</c>.</summary>
internal sealed class TupleValue(IReadOnlyList<object?> items) : IReadOnlyList<object?>
{
    public object? this[int index] => items[index];

    public int Count => items.Count;

    public IEnumerator<object?> GetEnumerator() => items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
