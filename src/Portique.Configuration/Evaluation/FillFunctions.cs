namespace Portique.Configuration;

/// <summary>
/// The fill (<c>&lt;fill name='...' target='v'&gt;</c>) functions: they compute a variable's value when
/// config.eol holds none. A stored value always wins; when a fill gives no value, the variable's
/// <c>&lt;value&gt;</c> default applies.
/// <para>
/// Each parameter is a list of items: a literal <c>&lt;param&gt;text&lt;/param&gt;</c> is the one item <c>text</c>;
/// <c>&lt;param type='eole'&gt;var&lt;/param&gt;</c> is <c>var</c>'s effective value (its stored value, else its
/// own fill, else its default; read even if <c>var</c> is disabled); an optional parameter naming no
/// variable, or an instance of a repeated file that does not exist, has no items.
/// A parameter "has no value" when none of its items is a non-empty text.
/// </para>
/// <list type="bullet">
/// <item><c>calc_val(p)</c>: exactly one parameter; the value is <c>p</c>'s (all its items for a multi
/// target; a multi variable cannot fill a single one). No value: no value.</item>
/// <item><c>concat(p1, ..., pn)</c>: the texts of the parameters joined without separator, in the order
/// given (the evaluator passes EOLE's: unnamed parameters in document order, then named ones sorted by name). If any parameter has no value, the result has none.
/// The target must be single, and parameters cannot be multi variables.</item>
/// <item><c>calc_multi_val(p1, ..., pn)</c>: a list made of the items of every parameter in document
/// order (a multi variable gives all its non-empty items; duplicates are kept). A parameter with no
/// value makes the whole result have no value, unless <c>&lt;param name='allow_none'&gt;True&lt;/param&gt;</c>,
/// which skips it instead. The target must be multi.</item>
/// </list>
/// A fill on a slave gives one item per master row: a single item is repeated on every row.
/// </summary>
internal static class FillFunctions
{
    /// <summary>Computes a fill; <see langword="null"/> means "no value".</summary>
    /// <param name="kind">The function.</param>
    /// <param name="arguments">The parameters' items, in document order.</param>
    /// <param name="allowNone">For <c>calc_multi_val</c>: skip parameters without value instead of giving no value.</param>
    public static IReadOnlyList<string?>? Compute(FillKind kind, IReadOnlyList<IReadOnlyList<string?>> arguments, bool allowNone = false)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        return kind switch
        {
            FillKind.CalcVal => arguments.Count == 1 && HasValue(arguments[0]) ? arguments[0] : null,
            FillKind.Concat => arguments.All(HasValue) ? [string.Concat(arguments.Select(a => a.First(i => !string.IsNullOrEmpty(i))))] : null,
            FillKind.CalcMultiVal => CalcMultiVal(arguments, allowNone),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }

    private static List<string?>? CalcMultiVal(IReadOnlyList<IReadOnlyList<string?>> arguments, bool allowNone)
    {
        var result = new List<string?>();
        foreach (var argument in arguments)
        {
            if (!HasValue(argument))
            {
                if (allowNone)
                {
                    continue;
                }

                return null;
            }

            result.AddRange(argument.Where(i => !string.IsNullOrEmpty(i)));
        }

        return result.Count == 0 ? null : result;
    }

    private static bool HasValue(IReadOnlyList<string?> items) => items.Any(i => !string.IsNullOrEmpty(i));
}
