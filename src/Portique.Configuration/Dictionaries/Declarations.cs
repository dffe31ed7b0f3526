namespace Portique.Configuration;

/// <summary>Where a construct is written: a dictionary file name (relative to its folder) and a 1-based line.</summary>
public sealed record SourceLocation(string File, int Line)
{
    /// <summary><c>file:line</c>, the subject of dictionary diagnostics.</summary>
    public override string ToString() => $"{File}:{Line}";
}

/// <summary>Creole display modes: which administrators see a variable or family in the editors.</summary>
public enum DisplayMode
{
    /// <summary><c>basique</c>.</summary>
    Basic,

    /// <summary><c>normal</c> (the default).</summary>
    Normal,

    /// <summary><c>expert</c>.</summary>
    Expert,
}

/// <summary>The validation functions of <c>&lt;check name='...'&gt;</c>.</summary>
internal enum CheckKind
{
    ValidEnum,
    ValidEntier,
    Obligatoire,

    // EOLE's other check functions (see EoleChecks): enforced where Portique can, else kept.
    Eole,
}

/// <summary>The functions of <c>&lt;condition name='...'&gt;</c>.</summary>
internal enum ConditionKind
{
    /// <summary><c>disabled_if_in</c>: disables the targets when the source value is one of the params.</summary>
    DisabledIfIn,

    /// <summary><c>disabled_if_not_in</c>: disables the targets when the source value is none of the params.</summary>
    DisabledIfNotIn,

    /// <summary><c>hidden_if_in</c>: hides the targets when the source value is one of the params.</summary>
    HiddenIfIn,

    /// <summary><c>hidden_if_not_in</c>: hides the targets when the source value is none of the params.</summary>
    HiddenIfNotIn,

    /// <summary><c>mandatory_if_in</c>: makes the targets mandatory when the source value is one of the params.</summary>
    MandatoryIfIn,

    /// <summary><c>mandatory_if_not_in</c>: makes the targets mandatory when the source value is none of the params.</summary>
    MandatoryIfNotIn,

    /// <summary><c>frozen_if_in</c>: freezes (read-only in EOLE's editors) the targets when the source value is one of the params.</summary>
    FrozenIfIn,

    /// <summary><c>frozen_if_not_in</c>: freezes the targets when the source value is none of the params.</summary>
    FrozenIfNotIn,

    /// <summary><c>auto_frozen_if_in</c>: freezes the targets once the server is instantiated, when the source value is one of the params.</summary>
    AutoFrozenIfIn,
}

/// <summary>What a condition's <c>&lt;target type='...'&gt;</c> names.</summary>
internal enum TargetKind
{
    Variable,
    Family,
    FileList,
    ServiceList,

    // EOLE machinery lists (elements kept, not acted upon by Portique).
    InterfaceList,
    HostList,
    ServiceAccessList,
    ServiceRestrictionList,
    FstabList,
    ActionList,
}

/// <summary>The functions of <c>&lt;fill name='...'&gt;</c>; see <see cref="FillFunctions"/> for their semantics.</summary>
internal enum FillKind
{
    /// <summary><c>calc_val</c>.</summary>
    CalcVal,

    /// <summary><c>concat</c>.</summary>
    Concat,

    /// <summary><c>calc_multi_val</c>.</summary>
    CalcMultiVal,

    /// <summary>Any other function (<c>calc_network</c>, <c>calc_multi_condition</c>...): see <see cref="EoleFillFunctions"/>.</summary>
    Eole,
}

/// <summary>The <c>type</c> of a <c>&lt;param&gt;</c>.</summary>
internal enum ParamKind
{
    String,
    Eole,
    Number,
    Python,
    Container,
    Context,
}

// Declarations are what one dictionary file (or one instance of a repeated file) says, before
// files are merged: names are already instantiated ({N} replaced) but not yet resolved.

internal sealed record RepeatDeclaration(string CountVariable, int Max, SourceLocation Location);

internal sealed record VariableDeclaration(
    string Name,
    VariableType? Type,
    string? Description,
    bool? Multi,
    bool? Mandatory,
    bool? Hidden,
    DisplayMode? Mode,
    bool Redefine,
    bool Exists,
    IReadOnlyList<string>? Values,
    SourceLocation Location)
{
    /// <summary><c>remove_check='True'</c> (with redefine): the checks earlier dictionaries put on it are dropped.</summary>
    public bool RemoveCheck { get; init; }

    /// <summary><c>remove_condition='True'</c>: it is removed from the targets of earlier conditions.</summary>
    public bool RemoveCondition { get; init; }

    /// <summary><c>remove_fill='True'</c>: the fill or auto of earlier dictionaries is dropped.</summary>
    public bool RemoveFill { get; init; }

    /// <summary><c>disabled='True'</c>: disabled whatever the conditions say.</summary>
    public bool? Disabled { get; init; }
}

internal sealed record FamilyDeclaration(
    string Name,
    DisplayMode? Mode,
    string? Icon,
    bool? Hidden,
    IReadOnlyList<VariableDeclaration> Variables,
    SourceLocation Location);

internal sealed record SeparatorDeclaration(string Variable, string Text, SourceLocation Location);

internal sealed record HelpDeclaration(bool IsFamily, string Name, string Text, SourceLocation Location);

internal sealed record FileDeclaration(
    string Name,
    string Source,
    string SourceAsWritten,
    UnixFileMode? Mode,
    string? Owner,
    string? Group,
    string? FileList,
    bool Remove,
    bool MakeDirectory,
    SourceLocation Location)
{
    /// <summary><c>templating='False'</c>: the source is copied as is.</summary>
    public bool Templating { get; init; } = true;

    /// <summary><c>redefine='True'</c>: replaces the earlier declaration of the same file name.</summary>
    public bool Redefine { get; init; }

    /// <summary>
    /// <c>instance_mode</c>: <c>when_container</c> files exist only in EOLE's old mode conteneur, which Portique
    /// does not run; <c>always</c> and <c>when_no_container</c> are generated.
    /// </summary>
    public string? InstanceMode { get; init; }

    /// <summary>The <c>&lt;container name='...'&gt;</c> it was declared in, if any.</summary>
    public string? Container { get; init; }
}

internal sealed record ServiceDeclaration(string Name, string? FileList, string? ServiceList, SourceLocation Location)
{
    /// <summary>The other attributes (<c>method</c>, <c>startlevel</c>, <c>redefine</c>...): EOLE machinery, kept.</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();

    /// <summary>The <c>&lt;container name='...'&gt;</c> it was declared in, if any.</summary>
    public string? Container { get; init; }
}

/// <summary>
/// An element that only matters to EOLE's own machinery (<c>package</c>, <c>host</c>, <c>interface</c>, <c>disknod</c>,
/// <c>fstab</c>, <c>service_access</c> ports, <c>service_restriction</c> addresses, <c>container</c>...): loaded and kept.
/// </summary>
internal sealed record MachineryDeclaration(
    string Element,
    string? Container,
    string Text,
    IReadOnlyDictionary<string, string> Attributes,
    SourceLocation Location)
{
    /// <summary>Its child elements (the <c>port</c>s of a <c>service_access</c>, the <c>ip</c>s of a <c>service_restriction</c>...).</summary>
    public IReadOnlyList<MachineryDeclaration> Children { get; init; } = [];

    /// <summary>This element and its descendants.</summary>
    public IEnumerable<MachineryDeclaration> SelfAndDescendants() => Children.SelectMany(c => c.SelfAndDescendants()).Prepend(this);
}

/// <summary>A <c>&lt;param&gt;</c>: a literal, or (<c>type='eole'</c>) the name of a variable whose value is used.</summary>
internal sealed record ParamDeclaration(string? Name, bool IsVariable, bool Optional, string Text, SourceLocation Location)
{
    /// <summary>Its <c>type</c>.</summary>
    public ParamKind Kind { get; init; } = IsVariable ? ParamKind.Eole : ParamKind.String;

    /// <summary>For <c>type='python'</c> and <c>type='number'</c>: the items of the evaluated value.</summary>
    public IReadOnlyList<string?>? Items { get; init; }
}

internal sealed record CheckDeclaration(
    CheckKind Kind,
    string Target,
    IReadOnlyList<string> EnumValues,
    bool EnumIsClosed,
    long? Minimum,
    long? Maximum,
    SourceLocation Location)
{
    /// <summary>The function name as written (<c>valid_regexp</c>...).</summary>
    public string Function { get; init; } = "";

    /// <summary>The params of an <see cref="CheckKind.Eole"/> check.</summary>
    public IReadOnlyList<ParamDeclaration> Params { get; init; } = [];

    /// <summary><c>level='warning'</c>: reported, never blocking (EOLE shows a warning).</summary>
    public bool WarningOnly { get; init; }
}

internal sealed record TargetDeclaration(TargetKind Kind, string Name, bool Optional, SourceLocation Location);

internal sealed record ConditionDeclaration(
    ConditionKind Kind,
    string Source,
    IReadOnlyList<string> Values,
    IReadOnlyList<TargetDeclaration> Targets,
    SourceLocation Location)
{
    /// <summary><c>fallback='True'</c>: when the source variable does not exist, <c>*_if_in</c> applies and <c>*_if_not_in</c> does not.</summary>
    public bool Fallback { get; init; }
}

internal sealed record FillDeclaration(FillKind Kind, string Target, IReadOnlyList<ParamDeclaration> Params, SourceLocation Location)
{
    /// <summary>The function name as written.</summary>
    public string Function { get; init; } = "";

    /// <summary><c>&lt;auto&gt;</c>: the value is always computed, not editable.</summary>
    public bool IsAuto { get; init; }
}

internal sealed record GroupDeclaration(string Master, IReadOnlyList<(string Name, SourceLocation Location)> Slaves, SourceLocation Location);

/// <summary>Everything one dictionary file (or one instance of a repeated file) declares, in document order.</summary>
internal sealed record DictionaryDeclarations(
    IReadOnlyList<FamilyDeclaration> Families,
    IReadOnlyList<SeparatorDeclaration> Separators,
    IReadOnlyList<HelpDeclaration> Help,
    IReadOnlyList<FileDeclaration> Files,
    IReadOnlyList<ServiceDeclaration> Services,
    IReadOnlyList<CheckDeclaration> Checks,
    IReadOnlyList<ConditionDeclaration> Conditions,
    IReadOnlyList<FillDeclaration> Fills,
    IReadOnlyList<GroupDeclaration> Groups,
    IReadOnlyList<MachineryDeclaration> Machinery);
