namespace Portique.Configuration;

// The schema is the merged, instantiated and resolved dictionaries for one set of repetition counts:
// every reference points at something that exists (or at an absent repeated instance, as null).

/// <summary>A condition attached to what it targets. <see cref="Source"/> is null when it names an absent repeated instance.</summary>
internal sealed record SchemaCondition(ConditionKind Kind, string? Source, IReadOnlyList<string> Values, SourceLocation Location)
{
    public bool Disables => Kind is ConditionKind.DisabledIfIn or ConditionKind.DisabledIfNotIn;

    public bool Hides => Kind is ConditionKind.HiddenIfIn or ConditionKind.HiddenIfNotIn;

    public bool MakesMandatory => Kind is ConditionKind.MandatoryIfIn or ConditionKind.MandatoryIfNotIn;

    public bool Freezes => Kind is ConditionKind.FrozenIfIn or ConditionKind.FrozenIfNotIn or ConditionKind.AutoFrozenIfIn;

    public bool IsIn => Kind is ConditionKind.DisabledIfIn or ConditionKind.HiddenIfIn or ConditionKind.MandatoryIfIn
        or ConditionKind.FrozenIfIn or ConditionKind.AutoFrozenIfIn;

    /// <summary><c>fallback='True'</c> on a source that does not exist: the condition's answer, whatever the values.</summary>
    public bool? Forced { get; init; }
}

/// <summary>A fill parameter: a literal, or a variable (<see cref="Variable"/> null when optional and absent).</summary>
internal sealed record SchemaParam(string? Name, bool IsVariable, string? Variable, string Literal)
{
    /// <summary>A <c>type='python'</c> or <c>type='number'</c> param's evaluated items; null otherwise.</summary>
    public IReadOnlyList<string?>? Items { get; init; }

    /// <summary>The param's kind.</summary>
    public ParamKind Kind { get; init; }
}

internal sealed record SchemaFill(FillKind Kind, IReadOnlyList<SchemaParam> Params, bool AllowNone, SourceLocation Location)
{
    /// <summary>The function name as written.</summary>
    public string Function { get; init; } = "";

    /// <summary><c>&lt;auto&gt;</c>: computed whatever config.eol holds.</summary>
    public bool IsAuto { get; init; }

    /// <summary>Whether Portique computes it (an unknown EOLE function, or a container/context param, is kept but not computed).</summary>
    public bool IsComputed => Kind != FillKind.Eole
        || (EoleFillFunctions.IsComputed(Function) && Params.All(p => p.Kind is not (ParamKind.Container or ParamKind.Context)));
}

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
    SourceLocation Location)
{
    /// <summary><c>disabled='True'</c> in the dictionary.</summary>
    public bool DisabledByAttribute { get; init; }
}

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
