namespace Portique.Configuration;

/// <summary>Where a variable's effective value comes from.</summary>
public enum ValueOrigin
{
    /// <summary>No value at all.</summary>
    None,

    /// <summary>The dictionary's <c>&lt;value&gt;</c> default.</summary>
    Default,

    /// <summary>A <c>&lt;fill&gt;</c> computed it.</summary>
    Fill,

    /// <summary>config.eol holds it.</summary>
    Stored,
}

/// <summary>
/// A variable with its effective value and state for one configuration.
/// </summary>
/// <param name="Name">The variable name (a config.eol key and a template <c>%%name</c>).</param>
/// <param name="Family">Its family.</param>
/// <param name="Type">Its type.</param>
/// <param name="Description">Its description (may be empty).</param>
/// <param name="Help">Its <c>&lt;help&gt;</c> text, if any.</param>
/// <param name="Separator">The heading of the <c>&lt;separator&gt;</c> shown before it, if any.</param>
/// <param name="Multi">Holds a list (masters and slaves always do).</param>
/// <param name="Mandatory">Must have a value when enabled (<c>mandatory='True'</c> or an <c>obligatoire</c> check).</param>
/// <param name="Mode">Its display mode.</param>
/// <param name="Hidden">Hidden by its attribute, a <c>hidden_if_*</c> condition, or its family. Still validated.</param>
/// <param name="Disabled">Disabled by a condition, its family, its master or its repeated instance. Not validated, not given to templates; its value is kept.</param>
/// <param name="Values">The effective items: for a single variable none or one; empty items are <see langword="null"/> or empty.</param>
/// <param name="Origin">Where <paramref name="Values"/> come from.</param>
/// <param name="Owner">The config.eol owner when <paramref name="Origin"/> is <see cref="ValueOrigin.Stored"/>.</param>
/// <param name="Master">The master variable when this is a slave.</param>
/// <param name="Slaves">The slave variables when this is a master.</param>
/// <param name="Choices">The values of its <c>valid_enum</c>, if any.</param>
/// <param name="OtherChoicesAllowed"><see langword="true"/> when its <c>valid_enum</c> says <c>checkval False</c>.</param>
/// <param name="Instance">The N of the repeated file instance that declares it.</param>
/// <param name="Location">Where it is declared.</param>
public sealed record EvaluatedVariable(
    string Name,
    string Family,
    VariableType Type,
    string Description,
    string? Help,
    string? Separator,
    bool Multi,
    bool Mandatory,
    DisplayMode Mode,
    bool Hidden,
    bool Disabled,
    IReadOnlyList<string?> Values,
    ValueOrigin Origin,
    string? Owner,
    string? Master,
    IReadOnlyList<string> Slaves,
    IReadOnlyList<string> Choices,
    bool OtherChoicesAllowed,
    int? Instance,
    SourceLocation Location)
{
    /// <summary>
    /// Frozen by a <c>frozen_if_in</c> / <c>frozen_if_not_in</c> condition (on it or its family), or an <c>auto_frozen_if_in</c>
    /// one once the server is instantiated (<see cref="IEoleHost.IsInstantiated"/>): read-only in genconfig,
    /// as in EOLE's editors; <c>portique set</c> may still change it, as EOLE's command-line tools may.
    /// </summary>
    public bool Frozen { get; init; }

    /// <summary>
    /// EOLE's <c>random_int(vmin, vmax, exclude=None)</c> fill: the range a value is drawn from, once, when Portique
    /// writes config.eol (<c>set</c>, genconfig), and then stored, so files do not change at every render. Null otherwise.
    /// </summary>
    public RandomRange? RandomFill { get; init; }

    /// <summary>A stored <c>submulti</c> value's rows (a list of lists); <see cref="Values"/> holds their items in order.</summary>
    public IReadOnlyList<IReadOnlyList<string?>>? SubRows { get; init; }

    /// <summary>Masked text of a password.</summary>
    public const string PasswordMask = "********";

    /// <summary>The dictionary spelling of <see cref="Type"/>.</summary>
    public string TypeName => Type.ToCreoleName();

    /// <summary>Is a slave of <see cref="Master"/>.</summary>
    public bool IsSlave => Master is not null;

    /// <summary>Has <see cref="Slaves"/>.</summary>
    public bool IsMaster => Slaves.Count > 0;

    /// <summary>The items fit to show (a password's are masked).</summary>
    public IReadOnlyList<string?> DisplayValues =>
        Type == VariableType.Password ? Values.Select(v => string.IsNullOrEmpty(v) ? v : PasswordMask).ToArray() : Values;

    /// <summary>
    /// The typed value: for a single variable <see langword="null"/>, a <see cref="long"/> (<c>number</c>, <c>port</c>)
    /// or a <see cref="string"/>; for a multi one an <see cref="IReadOnlyList{T}"/> of those, empty items as <see langword="null"/>.
    /// </summary>
    public object? TypedValue => SubRows is { } rows
        ? rows.Select(row => (object?)row.Select(TypedItem).ToArray()).ToArray()
        : Multi
        ? Values.Select(TypedItem).ToArray()
        : Values.Count > 0 ? TypedItem(Values[0]) : null;

    private object? TypedItem(string? item) => string.IsNullOrEmpty(item) ? null : VariableTypes.ToTyped(Type, item);
}

/// <summary>A family with its state for one configuration.</summary>
/// <param name="Name">The family name.</param>
/// <param name="Mode">Its display mode.</param>
/// <param name="Icon">Its icon name, if any.</param>
/// <param name="Hidden">Hidden by its attribute or a <c>hidden_if_*</c> condition.</param>
/// <param name="Disabled">Disabled by a condition or its repeated instance: all its variables are disabled.</param>
/// <param name="Help">Its <c>&lt;help&gt;</c> text, if any.</param>
/// <param name="Variables">Its variable names, in dictionary order.</param>
/// <param name="Instance">The N of the repeated file instance that first declares it.</param>
/// <param name="Location">Where it is first declared.</param>
public sealed record EvaluatedFamily(
    string Name,
    DisplayMode Mode,
    string? Icon,
    bool Hidden,
    bool Disabled,
    string? Help,
    IReadOnlyList<string> Variables,
    int? Instance,
    SourceLocation Location);

/// <summary>A <c>&lt;file&gt;</c> to generate from a template.</summary>
/// <param name="Name">The absolute path of the generated file on the server, <c>{N}</c> replaced.</param>
/// <param name="Source">The template file name in the templates folder, <c>{N}</c> replaced (default: the base name of <paramref name="Name"/>).</param>
/// <param name="SourceAsWritten">The template file name before <c>{N}</c> is replaced: the single template that serves every instance of a repeated file.</param>
/// <param name="Mode">The file mode (<c>mode='0644'</c>), if given.</param>
/// <param name="Owner">The owner account, if given.</param>
/// <param name="Group">The group, if given.</param>
/// <param name="FileList">The <c>filelist</c> it belongs to, if any.</param>
/// <param name="Remove"><c>rm='True'</c>: delete the file when it is disabled.</param>
/// <param name="MakeDirectory"><c>mkdir='True'</c>: create its folder if missing.</param>
/// <param name="Enabled">Not disabled by a <c>filelist</c> condition nor by its repeated instance.</param>
/// <param name="Instance">The N of a repeated file's instance; the template's <c>{N}</c> are to be replaced by it.</param>
/// <param name="Location">Where it is declared.</param>
public sealed record EvaluatedFile(
    string Name,
    string Source,
    string SourceAsWritten,
    UnixFileMode? Mode,
    string? Owner,
    string? Group,
    string? FileList,
    bool Remove,
    bool MakeDirectory,
    bool Enabled,
    int? Instance,
    SourceLocation Location)
{
    /// <summary><c>templating='False'</c>: the source is copied unchanged, not rendered.</summary>
    public bool Templating { get; init; } = true;
}

/// <summary>A <c>&lt;service&gt;</c> of the dictionaries.</summary>
/// <param name="Name">The service name.</param>
/// <param name="FileList">Its <c>filelist</c> attribute, if any.</param>
/// <param name="ServiceList">Its <c>servicelist</c> attribute, if any.</param>
/// <param name="Enabled">Not disabled by a <c>filelist</c>/<c>servicelist</c> condition nor by its repeated instance.</param>
/// <param name="Instance">The N of a repeated file's instance.</param>
/// <param name="Location">Where it is declared.</param>
public sealed record EvaluatedService(string Name, string? FileList, string? ServiceList, bool Enabled, int? Instance, SourceLocation Location);

/// <summary>The rows of a master variable for templates: its values and, aligned, each enabled slave's.</summary>
/// <param name="MasterValues">The master's typed values, one per row.</param>
/// <param name="Slaves">Each enabled slave's typed values, one per row.</param>
public sealed record MasterRows(IReadOnlyList<object?> MasterValues, IReadOnlyDictionary<string, IReadOnlyList<object?>> Slaves);

/// <summary>What templates may read: the enabled variables' typed values.</summary>
/// <param name="Variables">
/// Every enabled variable's <see cref="EvaluatedVariable.TypedValue"/> by name (a master or slave as the flat list of its values).
/// </param>
/// <param name="Masters">Every enabled master's rows, by master name.</param>
public sealed record TemplateValues(IReadOnlyDictionary<string, object?> Variables, IReadOnlyDictionary<string, MasterRows> Masters);

/// <summary>EOLE's <c>random_int</c>: an integer from <see cref="Minimum"/> to <see cref="Maximum"/> (both included), never <see cref="Excluded"/>.</summary>
public sealed record RandomRange(long Minimum, long Maximum, long? Excluded)
{
    /// <summary>Draws a value; null when the range holds nothing but the excluded value.</summary>
    public string? Draw()
    {
        var count = Maximum - Minimum + 1 - (Excluded is { } e && e >= Minimum && e <= Maximum ? 1 : 0);
        if (count is <= 0 or > int.MaxValue)
        {
            return null;
        }

        var value = Minimum + System.Security.Cryptography.RandomNumberGenerator.GetInt32((int)count);
        if (Excluded is { } excluded && value >= excluded)
        {
            value++;
        }

        return value.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
