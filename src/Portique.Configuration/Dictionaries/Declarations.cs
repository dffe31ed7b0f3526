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
}

/// <summary>The functions of <c>&lt;condition name='...'&gt;</c>.</summary>
public enum ConditionKind
{
    /// <summary><c>disabled_if_in</c>: disables the targets when the source value is one of the params.</summary>
    DisabledIfIn,

    /// <summary><c>disabled_if_not_in</c>: disables the targets when the source value is none of the params.</summary>
    DisabledIfNotIn,

    /// <summary><c>hidden_if_in</c>: hides the targets when the source value is one of the params.</summary>
    HiddenIfIn,

    /// <summary><c>hidden_if_not_in</c>: hides the targets when the source value is none of the params.</summary>
    HiddenIfNotIn,
}

/// <summary>What a condition's <c>&lt;target type='...'&gt;</c> names.</summary>
internal enum TargetKind
{
    Variable,
    Family,
    FileList,
    ServiceList,
}

/// <summary>The functions of <c>&lt;fill name='...'&gt;</c>; see <see cref="FillFunctions"/> for their semantics.</summary>
public enum FillKind
{
    /// <summary><c>calc_val</c>.</summary>
    CalcVal,

    /// <summary><c>concat</c>.</summary>
    Concat,

    /// <summary><c>calc_multi_val</c>.</summary>
    CalcMultiVal,
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
    SourceLocation Location);

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
    SourceLocation Location);

internal sealed record ServiceDeclaration(string Name, string? FileList, string? ServiceList, SourceLocation Location);

/// <summary>A <c>&lt;param&gt;</c>: a literal, or (<c>type='eole'</c>) the name of a variable whose value is used.</summary>
internal sealed record ParamDeclaration(string? Name, bool IsVariable, bool Optional, string Text, SourceLocation Location);

internal sealed record CheckDeclaration(
    CheckKind Kind,
    string Target,
    IReadOnlyList<string> EnumValues,
    bool EnumIsClosed,
    long? Minimum,
    long? Maximum,
    SourceLocation Location);

internal sealed record TargetDeclaration(TargetKind Kind, string Name, bool Optional, SourceLocation Location);

internal sealed record ConditionDeclaration(
    ConditionKind Kind,
    string Source,
    IReadOnlyList<string> Values,
    IReadOnlyList<TargetDeclaration> Targets,
    SourceLocation Location);

internal sealed record FillDeclaration(FillKind Kind, string Target, IReadOnlyList<ParamDeclaration> Params, SourceLocation Location);

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
    IReadOnlyList<GroupDeclaration> Groups);
