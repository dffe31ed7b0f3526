namespace Portique.Configuration;

// The schema is the merged, instantiated and resolved dictionaries for one set of repetition counts:
// every reference points at something that exists (or at an absent repeated instance, as null).

/// <summary>A condition attached to what it targets. <see cref="Source"/> is null when it names an absent repeated instance.</summary>
internal sealed record SchemaCondition(ConditionKind Kind, string? Source, IReadOnlyList<string> Values, SourceLocation Location)
{
    public bool Disables => Kind is ConditionKind.DisabledIfIn or ConditionKind.DisabledIfNotIn;
}

/// <summary>A fill parameter: a literal, or a variable (<see cref="Variable"/> null when optional and absent).</summary>
internal sealed record SchemaParam(string? Name, bool IsVariable, string? Variable, string Literal);

internal sealed record SchemaFill(FillKind Kind, IReadOnlyList<SchemaParam> Params, bool AllowNone, SourceLocation Location);

internal sealed record SchemaVariable(
    string Name,
    string Family,
    VariableType Type,
    string Description,
    bool Multi,
    bool Mandatory,
    bool Hidden,
    DisplayMode Mode,
    IReadOnlyList<string> Defaults,
    string? Help,
    string? Separator,
    IReadOnlyList<CheckDeclaration> Checks,
    SchemaFill? Fill,
    string? Master,
    IReadOnlyList<string> Slaves,
    IReadOnlyList<SchemaCondition> Conditions,
    int? Instance,
    bool DisabledByRepetition,
    SourceLocation Location);

internal sealed record SchemaFamily(
    string Name,
    DisplayMode Mode,
    string? Icon,
    bool Hidden,
    string? Help,
    IReadOnlyList<string> Variables,
    IReadOnlyList<SchemaCondition> Conditions,
    int? Instance,
    bool DisabledByRepetition,
    SourceLocation Location);

internal sealed record SchemaFile(FileDeclaration Declaration, IReadOnlyList<SchemaCondition> Conditions, int? Instance, bool DisabledByRepetition);

internal sealed record SchemaService(ServiceDeclaration Declaration, IReadOnlyList<SchemaCondition> Conditions, int? Instance, bool DisabledByRepetition);

internal sealed record Schema(
    IReadOnlyList<SchemaFamily> Families,
    IReadOnlyList<SchemaVariable> Variables,
    IReadOnlyDictionary<string, SchemaVariable> VariablesByName,
    IReadOnlyDictionary<string, SchemaFamily> FamiliesByName,
    IReadOnlyList<SchemaFile> Files,
    IReadOnlyList<SchemaService> Services,
    IReadOnlyList<RepetitionState> Repetitions);
