using System.Globalization;
using Portique.Configuration;

namespace Portique.GenConfig.Forms;

/// <summary>One tab of the form: a family and the variables shown in it.</summary>
/// <param name="Family">The family.</param>
/// <param name="Id">The HTML id of its panel (<c>fam-NAME</c>).</param>
/// <param name="Mode">The lowest mode in which the tab shows (the family's, or its least expert variable's if higher).</param>
/// <param name="Fields">Its variables in order, slaves excluded (a master's table shows them).</param>
/// <param name="Repetition">The repeated file it is an instance of, if any.</param>
/// <param name="BeyondCount">
/// An instance above the current count: rendered but hidden, so that raising the count shows it at once;
/// its values are kept, not validated.
/// </param>
internal sealed record FamilyView(
    EvaluatedFamily Family,
    string Id,
    DisplayMode Mode,
    IReadOnlyList<EvaluatedVariable> Fields,
    RepetitionState? Repetition,
    bool BeyondCount)
{
    /// <summary>The tab's title: the family name with a capital, as gen_config shows it.</summary>
    public string Title => Family.Name.Length == 0 ? Family.Name : char.ToUpper(Family.Name[0], CultureInfo.CurrentCulture) + Family.Name[1..];
}

/// <summary>What the form shows of an evaluated configuration, and how posted fields map back to variables.</summary>
internal static class ConfigForm
{
    /// <summary>The hidden inputs naming every variable the form rendered: a list emptied or a switch unchecked post nothing else.</summary>
    public const string FieldsKey = "__fields";

    public const string ModeKey = "__mode";

    public const string TabKey = "__tab";

    public const string ActionKey = "__action";

    /// <summary>The hidden field holding the version of config.eol the page was made from (optimistic concurrency).</summary>
    public const string VersionKey = "__version";

    public static string PanelId(string family) => "fam-" + Slug(family);

    public static string FieldId(string variable) => "f-" + variable;

    public static string RowId(string variable) => "row-" + variable;

    /// <summary>The tabs of <paramref name="configuration"/>, in dictionary order.</summary>
    public static IReadOnlyList<FamilyView> Families(EvaluatedConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var views = new List<FamilyView>();
        foreach (var family in configuration.Families)
        {
            var repetition = RepetitionOf(configuration, family);
            var beyond = family.Instance is { } n && repetition is not null && n > repetition.Count;
            if (family.Hidden || (family.Disabled && !beyond))
            {
                continue;
            }

            var fields = family.Variables
                .Select(configuration.Find)
                .OfType<EvaluatedVariable>()
                .Where(v => !v.IsSlave && IsShown(v, beyond))
                .ToArray();
            if (fields.Length == 0)
            {
                continue;
            }

            var lowest = fields.Min(v => v.Mode);
            var mode = lowest > family.Mode ? lowest : family.Mode;
            views.Add(new FamilyView(family, PanelId(family.Name), mode, fields, repetition, beyond));
        }

        return views;
    }

    /// <summary>The slaves shown as columns of <paramref name="master"/>'s table.</summary>
    public static IReadOnlyList<EvaluatedVariable> Slaves(EvaluatedConfiguration configuration, EvaluatedVariable master, bool beyondCount)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(master);
        return master.Slaves.Select(configuration.Find).OfType<EvaluatedVariable>().Where(s => IsShown(s, beyondCount)).ToArray();
    }

    /// <summary>The repetition state of the repeated file that declares <paramref name="family"/>, if it is an instance.</summary>
    public static RepetitionState? RepetitionOf(EvaluatedConfiguration configuration, EvaluatedFamily family)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(family);
        if (family.Instance is null)
        {
            return null;
        }

        var file = Path.GetFileName(family.Location.File);
        return configuration.Repetitions.FirstOrDefault(r => Path.GetFileName(r.Repetition.FileName) == file)
            ?? (configuration.Repetitions.Count == 1 ? configuration.Repetitions[0] : null);
    }

    /// <summary>Whether a variable is rendered as a switch (a checkbox posting its "on" word).</summary>
    public static bool IsSwitch(EvaluatedVariable variable) =>
        !variable.Multi && variable.Type is VariableType.OuiNon or VariableType.OnOff;

    public static (string On, string Off) SwitchWords(VariableType type) => type == VariableType.OnOff ? ("on", "off") : ("oui", "non");

    private static bool IsShown(EvaluatedVariable variable, bool beyondCount) => !variable.Hidden && (!variable.Disabled || beyondCount);

    private static string Slug(string name)
    {
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray();
        return new string(chars);
    }
}
