namespace Portique.Templating;

/// <summary>
/// One row of a master/slave group: the master's value plus the slaves of the same row, keyed by their
/// full variable names. In a template it renders, compares and computes as its <see cref="Value"/>;
/// <c>%%row.slave_name</c> reads a slave.
/// </summary>
public sealed class CreoleRow
{
    public CreoleRow(object? value, IReadOnlyDictionary<string, object?> slaves, int? index = null)
    {
        ArgumentNullException.ThrowIfNull(slaves);
        Value = value;
        Slaves = slaves;
        Index = index;
    }

    /// <summary>The row's rank (0-based), read by EOLE 2.3 templates as <c>%%item.index</c>; null when unknown.</summary>
    public int? Index { get; }

    public object? Value { get; }

    public IReadOnlyDictionary<string, object?> Slaves { get; }
}
