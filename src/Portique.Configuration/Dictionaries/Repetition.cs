using System.Globalization;
using System.Text.RegularExpressions;

namespace Portique.Configuration;

/// <summary>
/// A repeated dictionary file (<c>&lt;creole repeat='count_variable' repeat_max='200'&gt;</c>): instantiated once
/// per N, with every <c>{N}</c> of its text replaced by N.
/// </summary>
/// <param name="FileName">The dictionary file, relative to its folder.</param>
/// <param name="CountVariable">The <c>number</c> variable whose value is the count of enabled instances.</param>
/// <param name="Max">The highest N ever instantiated (<c>repeat_max</c>, default 500).</param>
public sealed record Repetition(string FileName, string CountVariable, int Max);

/// <summary>How many instances of a repeated file exist for a given config.eol, and how many are enabled.</summary>
/// <param name="Repetition">The repeated file.</param>
/// <param name="Count">Enabled instances: 1..Count (the count variable's value, 0 when missing or invalid, at most Max).</param>
/// <param name="Instances">Instantiated: 1..Instances, at least Count, more when config.eol holds values of higher N (kept, disabled).</param>
public sealed record RepetitionState(Repetition Repetition, int Count, int Instances);

/// <summary>
/// A name written with <c>{N}</c> (<c>conteneur{N}_name</c>), matched against instantiated names to find N.
/// </summary>
internal sealed class InstanceNamePattern
{
    private readonly Regex _regex;

    public InstanceNamePattern(string rawName)
    {
        var parts = rawName.Split(DictionaryParser.InstanceToken);
        // The first {N} captures the number; any later {N} must repeat the same number.
        var pattern = "^" + Regex.Escape(parts[0]) + "(?<n>[1-9][0-9]{0,8})"
            + string.Concat(parts.Skip(1).Select((part, index) => (index == 0 ? "" : @"\k<n>") + Regex.Escape(part)))
            + @"\z";
        _regex = new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture);
    }

    /// <summary>The N of an instantiated name, or <see langword="null"/> when the name is not an instance of this pattern.</summary>
    public int? InstanceOf(string name)
    {
        var match = _regex.Match(name);
        return match.Success ? int.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture) : null;
    }
}

/// <summary>The <c>{N}</c> names a repeated file declares, by kind, to recognise its instances.</summary>
internal sealed record RepeatedNames(
    IReadOnlyList<InstanceNamePattern> Variables,
    IReadOnlyList<InstanceNamePattern> Families,
    IReadOnlyList<InstanceNamePattern> FileLists,
    IReadOnlyList<InstanceNamePattern> ServiceLists);

/// <summary>
/// Answers "is this name an instance of a repeated file that is not instantiated now?". Such a name
/// designates a disabled variable (or family, list) rather than an unknown one: a reference to
/// <c>conteneur7_name</c> is not an error just because only 5 containers exist today.
/// </summary>
internal sealed class AbsentInstances(IReadOnlyList<(RepeatedNames Names, RepetitionState State)> repetitions)
{
    public bool IsAbsentVariable(string name) => IsAbsent(name, names => names.Variables);

    public bool IsAbsentFamily(string name) => IsAbsent(name, names => names.Families);

    public bool IsAbsentFileList(string name) => IsAbsent(name, names => names.FileLists);

    public bool IsAbsentServiceList(string name) => IsAbsent(name, names => names.ServiceLists);

    private bool IsAbsent(string name, Func<RepeatedNames, IReadOnlyList<InstanceNamePattern>> patterns)
    {
        foreach (var (names, state) in repetitions)
        {
            foreach (var pattern in patterns(names))
            {
                if (pattern.InstanceOf(name) is { } n && n > state.Instances && n <= state.Repetition.Max)
                {
                    return true;
                }
            }
        }

        return false;
    }
}
