using System.Globalization;
using System.Text.RegularExpressions;

namespace Portique.Core;

/// <summary>
/// A memory size as administrators write it (<c>conteneurN_memoire</c>): digits, then nothing (bytes) or one of K, M,
/// G, T (either case, powers of 1024). <see cref="Format"/> writes the largest exact unit, so one size has one text.
/// </summary>
public static partial class MemorySize
{
    private static readonly (char Unit, int Shift)[] Units = [('T', 40), ('G', 30), ('M', 20), ('K', 10)];

    /// <summary>The bytes <paramref name="text"/> stands for; false when it is not of the form or exceeds a <see cref="long"/>.</summary>
    public static bool TryParse(string text, out long bytes)
    {
        ArgumentNullException.ThrowIfNull(text);
        bytes = 0;
        var match = Pattern().Match(text);
        if (!match.Success || !long.TryParse(match.Groups["number"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        var unit = match.Groups["unit"].Value.ToUpperInvariant();
        var shift = unit.Length == 0 ? 0 : Units.First(u => u.Unit == unit[0]).Shift;
        if (number > long.MaxValue >> shift)
        {
            return false;
        }

        bytes = number << shift;
        return true;
    }

    /// <summary><paramref name="bytes"/> in the largest unit that divides it exactly: <c>512M</c>, <c>1536K</c>, <c>1000</c>.</summary>
    public static string Format(long bytes)
    {
        foreach (var (unit, shift) in Units)
        {
            if (bytes != 0 && bytes % (1L << shift) == 0)
            {
                return (bytes >> shift).ToString(CultureInfo.InvariantCulture) + unit;
            }
        }

        return bytes.ToString(CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^(?<number>[0-9]{1,19})(?<unit>[KMGTkmgt]?)\z")]
    private static partial Regex Pattern();
}
