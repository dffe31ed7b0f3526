using System.Text.Json.Nodes;
using Portique.Core;

namespace Portique.Configuration;

/// <summary>
/// Dictionaries applied to config.eol values: repeated files instantiated, every variable's effective
/// value (stored, else fill, else default), conditions applied (disabled, hidden), files and services
/// with their enabled state. Immutable; <see cref="SetValue"/> returns new values to evaluate again.
/// </summary>
public sealed class EvaluatedConfiguration
{
    private readonly Dictionary<string, EvaluatedVariable> _variablesByName;
    private readonly Lazy<(IReadOnlyList<Diagnostic> Problems, IReadOnlyList<Diagnostic> Warnings)> _validation;

    private EvaluatedConfiguration(
        DictionarySource dictionaries,
        ConfigValues values,
        IReadOnlyList<RepetitionState> repetitions,
        IReadOnlyList<EvaluatedFamily> families,
        IReadOnlyList<EvaluatedVariable> variables,
        IReadOnlyList<EvaluatedFile> files,
        IReadOnlyList<EvaluatedService> services,
        IReadOnlyDictionary<string, IReadOnlyList<CheckDeclaration>> checks)
    {
        Dictionaries = dictionaries;
        Values = values;
        Repetitions = repetitions;
        Families = families;
        Variables = variables;
        Files = files;
        Services = services;
        _variablesByName = variables.ToDictionary(v => v.Name, StringComparer.Ordinal);
        Warnings = values.Names
            .Where(name => !_variablesByName.ContainsKey(name))
            .Select(name => new Diagnostic(name, Messages.UnknownVariableKept))
            .ToArray();
        _validation = new Lazy<(IReadOnlyList<Diagnostic> Problems, IReadOnlyList<Diagnostic> Warnings)>(() => ConfigurationValidator.Validate(this, checks));
    }

    /// <summary>The dictionaries evaluated.</summary>
    public DictionarySource Dictionaries { get; }

    /// <summary>The values evaluated.</summary>
    public ConfigValues Values { get; }

    /// <summary>Each repeated file's enabled count and instantiated instances.</summary>
    public IReadOnlyList<RepetitionState> Repetitions { get; }

    /// <summary>Families in dictionary order.</summary>
    public IReadOnlyList<EvaluatedFamily> Families { get; }

    /// <summary>Variables in dictionary order (family by family).</summary>
    public IReadOnlyList<EvaluatedVariable> Variables { get; }

    /// <summary>Files to generate, in dictionary order, repeated ones once per instance.</summary>
    public IReadOnlyList<EvaluatedFile> Files { get; }

    /// <summary>Services, in dictionary order.</summary>
    public IReadOnlyList<EvaluatedService> Services { get; }

    /// <summary>config.eol entries no dictionary declares: kept in the file, reported, not errors.</summary>
    public IReadOnlyList<Diagnostic> Warnings => [.. field, .. _validation.Value.Warnings];

    /// <summary>Instantiates and evaluates <paramref name="dictionaries"/> with <paramref name="values"/>.</summary>
    /// <exception cref="DictionaryException">
    /// Instantiating repeated files for these values breaks the dictionaries (e.g. an instance collides with a
    /// name declared elsewhere). Problems visible without values are reported by <see cref="DictionarySource.Load"/>.
    /// </exception>
    public static EvaluatedConfiguration Evaluate(DictionarySource dictionaries, ConfigValues values)
    {
        ArgumentNullException.ThrowIfNull(dictionaries);
        ArgumentNullException.ThrowIfNull(values);
        var repetitions = PlanRepetitions(dictionaries, values);
        var errors = new List<Diagnostic>();
        var schema = SchemaBuilder.Build(dictionaries, repetitions, errors);
        if (errors.Count > 0)
        {
            throw new DictionaryException(errors);
        }

        var evaluator = new Evaluator(schema, values, dictionaries.Host);
        var variables = schema.Variables.Select(evaluator.Evaluate).ToArray();
        var families = schema.Families.Select(f => new EvaluatedFamily(
            f.Name, f.Mode, f.Icon, evaluator.IsHidden(f), evaluator.IsDisabled(f), f.Help, f.Variables, f.Instance, f.Location)).ToArray();
        var files = schema.Files.Select(f => new EvaluatedFile(
            f.Declaration.Name,
            f.Declaration.Source,
            f.Declaration.SourceAsWritten,
            f.Declaration.Mode,
            f.Declaration.Owner,
            f.Declaration.Group,
            f.Declaration.FileList,
            f.Declaration.Remove,
            f.Declaration.MakeDirectory,
            !f.DisabledByRepetition && !evaluator.AnyDisables(f.Conditions) && f.Declaration.InstanceMode != "when_container",
            f.Instance,
            f.Declaration.Location)
        {
            Templating = f.Declaration.Templating,
        }).ToArray();
        var services = schema.Services.Select(s => new EvaluatedService(
            s.Declaration.Name,
            s.Declaration.FileList,
            s.Declaration.ServiceList,
            !s.DisabledByRepetition && !evaluator.AnyDisables(s.Conditions),
            s.Instance,
            s.Declaration.Location)).ToArray();
        var checks = schema.Variables.Where(v => v.Checks.Count > 0).ToDictionary(v => v.Name, v => v.Checks, StringComparer.Ordinal);
        return new EvaluatedConfiguration(dictionaries, values, repetitions, families, variables, files, services, checks);
    }

    /// <summary>A variable by name, or <see langword="null"/>.</summary>
    public EvaluatedVariable? Find(string name) => _variablesByName.GetValueOrDefault(name);

    /// <summary>
    /// Every problem of the enabled variables, in dictionary order, subject = variable name: type, allowed
    /// values, range, mandatory, master/slave rows, several values for a single variable. Empty when valid.
    /// Unknown variables are <see cref="Warnings"/>, not problems.
    /// </summary>
    public IReadOnlyList<Diagnostic> Validate() => _validation.Value.Problems;

    /// <summary>Throws when <see cref="Validate"/> finds problems.</summary>
    /// <exception cref="ConfigurationInvalidException">All the problems.</exception>
    public void EnsureValid()
    {
        if (Validate().Count > 0)
        {
            throw new ConfigurationInvalidException(Validate());
        }
    }

    /// <summary>The enabled variables' typed values for templates, masters with their rows.</summary>
    /// <exception cref="ConfigurationInvalidException">The configuration is not valid: templates never see invalid values.</exception>
    public TemplateValues GetTemplateValues()
    {
        EnsureValid();
        var enabled = Variables.Where(v => !v.Disabled).ToArray();
        var values = enabled.ToDictionary(v => v.Name, v => v.TypedValue, StringComparer.Ordinal);
        var masters = new Dictionary<string, MasterRows>(StringComparer.Ordinal);
        foreach (var master in enabled.Where(v => v.IsMaster))
        {
            var slaves = master.Slaves
                .Select(Find)
                .Where(s => s is { Disabled: false })
                .ToDictionary(s => s!.Name, s => (IReadOnlyList<object?>)(object?[])s!.TypedValue!, StringComparer.Ordinal);
            masters[master.Name] = new MasterRows((object?[])master.TypedValue!, slaves);
        }

        return new TemplateValues(values, masters);
    }

    /// <summary>
    /// Returns <see cref="Values"/> where <paramref name="name"/> holds <paramref name="values"/>, owned by
    /// <paramref name="owner"/> (<see cref="Owners"/>): a JSON list for a multi variable, a scalar otherwise
    /// (an empty text is no value), integers of a <c>number</c> as JSON numbers. Nothing is validated here:
    /// evaluate the result and <see cref="Validate"/> it before saving, so that a refusal leaves the file as it was.
    /// A variable of a repeated file instance that does not exist yet (<c>conteneur7_name</c>) may be set: it is created, disabled until its count allows it.
    /// </summary>
    /// <exception cref="ConfigurationInvalidException">No dictionary declares <paramref name="name"/>.</exception>
    public ConfigValues SetValue(string name, IReadOnlyList<string> values, string owner) =>
        SetValues([new(name, values)], owner);

    /// <summary>
    /// <see cref="SetValue"/> for several variables, in order, onto <see cref="Values"/>. The configuration is evaluated
    /// again only when a variable is not declared yet (a repeated instance the values set so far create), never once
    /// per variable: a whole new container, or a hundred, costs one or two evaluations.
    /// </summary>
    /// <exception cref="ConfigurationInvalidException">No dictionary declares one of the variables.</exception>
    public ConfigValues SetValues(IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> assignments, string owner)
    {
        ArgumentNullException.ThrowIfNull(assignments);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        var declarations = this;
        var result = Values;
        // Stored in one copy of the document at the end (or before an evaluation), not one copy per variable.
        var pending = new List<ConfigValues.ValueChange>();
        var byIndex = result.WritesSlavesByIndex;
        foreach (var (name, values) in assignments)
        {
            ArgumentException.ThrowIfNullOrEmpty(name);
            ArgumentNullException.ThrowIfNull(values);
            var variable = declarations.Find(name);
            if (variable is null && Dictionaries.IsRepeatedVariableName(name))
            {
                // Storing a value instantiates the repeated file up to its N: evaluate that to learn the variable.
                result = result.SetAll(pending);
                pending.Clear();
                declarations = Evaluate(Dictionaries, result.Set(name, owner, values.ToArray(), asList: values.Count != 1));
                variable = declarations.Find(name);
            }

            if (variable is null)
            {
                throw new ConfigurationInvalidException([new Diagnostic(name, Messages.UnknownVariable)]);
            }

            var items = values
                .Select(v => v.Length == 0 ? null : variable.Type == VariableType.Number ? ConfigValues.NumberOrText(v) : JsonValue.Create(v))
                .ToArray();
            // Only a slave already written by index, or an EOLE 2.5+ file, writes by index: a pending change never turns it on.
            pending.Add(new(name, owner, items, AsList: variable.Multi || values.Count > 1, ByIndex: variable.IsSlave && byIndex));
        }

        return pending.Count > 0 ? result.SetAll(pending) : result;
    }

    /// <summary>
    /// Enabled count: the count variable's stored value, else its default (0 when missing, invalid, negative or above Max).
    /// Instances: up to the highest N config.eol holds a value for, so that lowering the count loses nothing.
    /// </summary>
    internal static IReadOnlyList<RepetitionState> PlanRepetitions(DictionarySource dictionaries, ConfigValues values)
    {
        var states = new List<RepetitionState>();
        foreach (var file in dictionaries.Files.Where(f => f.Repeat is not null))
        {
            var repeat = file.Repeat!;
            var stored = values.Get(repeat.CountVariable);
            var candidates = stored is null ? dictionaries.CountDefaults.GetValueOrDefault(repeat.CountVariable) ?? []
                : stored.IsList ? [] : stored.Items;
            var text = candidates.Count > 0 ? candidates[0] : null;
            // An out-of-range count enables nothing: it is one error on the count, never hundreds of empty families.
            var count = text is not null && VariableTypes.TryParseInteger(text, out var number) && number >= 0 && number <= repeat.Max ? (int)number : 0;
            var highest = 0;
            foreach (var name in values.Names)
            {
                foreach (var pattern in file.RepeatedNames!.Variables)
                {
                    if (pattern.InstanceOf(name) is { } n && n <= repeat.Max && n > highest)
                    {
                        highest = n;
                    }
                }
            }

            var repetition = new Repetition(file.FileName, repeat.CountVariable, repeat.Max);
            states.Add(new RepetitionState(repetition, count, Math.Max(count, highest)));
        }

        return states;
    }

    /// <summary>Computes effective values and states, each once (memoised), following fills and conditions.</summary>
    private sealed class Evaluator(Schema schema, ConfigValues values, IEoleHost? host)
    {
        private readonly Dictionary<string, (IReadOnlyList<string?> Items, ValueOrigin Origin, string? Owner)> _effective = new(StringComparer.Ordinal);
        private readonly Dictionary<string, bool> _disabledVariables = new(StringComparer.Ordinal);
        private readonly Dictionary<string, bool> _disabledFamilies = new(StringComparer.Ordinal);
        private readonly HashSet<string> _inProgress = new(StringComparer.Ordinal);

        // Counts the times a state was read while being computed (a condition cycle). A result that
        // depended on such a provisional answer is not cached: it is recomputed once the cycle is closed.
        private int _provisionalAnswers;

        public EvaluatedVariable Evaluate(SchemaVariable variable)
        {
            var (items, origin, owner) = Value(variable.Name);
            var family = schema.FamiliesByName[variable.Family];
            var enumCheck = variable.Checks.FirstOrDefault(c => c.Kind == CheckKind.ValidEnum);
            return new EvaluatedVariable(
                variable.Name,
                variable.Family,
                variable.Type,
                variable.Description,
                variable.Help,
                variable.Separator,
                variable.Multi,
                variable.Mandatory || variable.Conditions.Any(c => c.MakesMandatory && Matches(c)),
                variable.Mode,
                variable.Hidden || IsHidden(family) || variable.Conditions.Any(c => c.Hides && Matches(c)),
                IsDisabled(variable),
                items,
                origin,
                owner,
                variable.Master,
                variable.Slaves,
                enumCheck?.EnumValues ?? [],
                enumCheck is { EnumIsClosed: false },
                variable.Instance,
                variable.Location)
            {
                RandomFill = variable.Fill is { Kind: FillKind.Eole, Function: "random_int" } random ? RandomRangeOf(random) : null,
                Frozen = variable.Conditions.Concat(family.Conditions).Any(c =>
                    (c.Kind is ConditionKind.FrozenIfIn or ConditionKind.FrozenIfNotIn || (c.Kind == ConditionKind.AutoFrozenIfIn && host is { IsInstantiated: true })) && Matches(c)),
                SubRows = origin == ValueOrigin.Stored && variable.Master is null && variable.Slaves.Count == 0 ? values.Get(variable.Name)?.SubRows : null,
            };
        }

        public bool IsHidden(SchemaFamily family) => family.Hidden || family.Conditions.Any(c => c.Hides && Matches(c));

        public bool IsDisabled(SchemaFamily family)
        {
            var key = family.Name;
            if (_disabledFamilies.TryGetValue(key, out var known))
            {
                return known;
            }

            // A condition cycle (a family disabled by one of its own variables) is read as "enabled so far".
            if (!_inProgress.Add("family:" + key))
            {
                _provisionalAnswers++;
                return false;
            }

            var before = _provisionalAnswers;
            var disabled = family.DisabledByRepetition || AnyDisables(family.Conditions);
            _inProgress.Remove("family:" + key);
            if (_provisionalAnswers == before)
            {
                _disabledFamilies[key] = disabled;
            }

            return disabled;
        }

        public bool AnyDisables(IReadOnlyList<SchemaCondition> conditions) => conditions.Any(c => c.Disables && Disables(c));

        private bool IsDisabled(SchemaVariable variable)
        {
            if (_disabledVariables.TryGetValue(variable.Name, out var known))
            {
                return known;
            }

            if (!_inProgress.Add(variable.Name))
            {
                _provisionalAnswers++;
                return false;
            }

            var before = _provisionalAnswers;
            var disabled = variable.DisabledByRepetition
                || variable.DisabledByAttribute
                || IsDisabled(schema.FamiliesByName[variable.Family])
                || (variable.Master is not null && IsDisabled(schema.VariablesByName[variable.Master]))
                || AnyDisables(variable.Conditions);
            _inProgress.Remove(variable.Name);
            if (_provisionalAnswers == before)
            {
                _disabledVariables[variable.Name] = disabled;
            }

            return disabled;
        }

        /// <summary>A <c>disabled_if_*</c> condition applies when its source is disabled or absent (as Creole), or its value matches.</summary>
        private bool Disables(SchemaCondition condition) =>
            condition.Forced ??
            condition.Source is null
            || IsDisabled(schema.VariablesByName[condition.Source])
            || Matches(condition);

        /// <summary>
        /// Compares the source's items as text with the params: <c>*_if_in</c> when any item is a param,
        /// <c>*_if_not_in</c> when none is. A source without value compares as the empty text.
        /// </summary>
        private bool Matches(SchemaCondition condition)
        {
            if (condition.Forced is { } forced)
            {
                return forced;
            }

            var items = condition.Source is null ? [] : Value(condition.Source).Items;
            var texts = items.Count == 0 ? [""] : items.Select(i => i ?? "");
            var isIn = texts.Any(t => condition.Values.Contains(t, StringComparer.Ordinal));
            return condition.IsIn ? isIn : !isIn;
        }

        private (IReadOnlyList<string?> Items, ValueOrigin Origin, string? Owner) Value(string name)
        {
            if (_effective.TryGetValue(name, out var known))
            {
                return known;
            }

            var variable = schema.VariablesByName[name];
            var result = Compute(variable);
            _effective[name] = result;
            return result;
        }

        private (IReadOnlyList<string?> Items, ValueOrigin Origin, string? Owner) Compute(SchemaVariable variable)
        {
            var always = variable.Fill is { IsAuto: true, IsComputed: true };
            if (!always && variable.Master is not null && values.Get(variable.Name) is { RowsByIndex: { } byIndex } sparse)
            {
                // EOLE 2.5+ stores only the slave rows given: one value per master row, the others from the fill or default.
                var computed = Compute(variable, ignoreStored: true).Items;
                var rowCount = Value(variable.Master).Items.Count;
                var rowItems = Enumerable.Range(0, rowCount)
                    .Select(i => byIndex.TryGetValue(i, out var given) ? given : i < computed.Count ? computed[i] : null).ToArray();
                return (rowItems, ValueOrigin.Stored, sparse.Owner);
            }

            return Compute(variable, ignoreStored: false);
        }

        private (IReadOnlyList<string?> Items, ValueOrigin Origin, string? Owner) Compute(SchemaVariable variable, bool ignoreStored)
        {
            // An <auto> is computed whatever config.eol holds, when Portique computes its function.
            if (!ignoreStored && values.Get(variable.Name) is { } stored && variable.Fill is not { IsAuto: true, IsComputed: true })
            {
                return (stored.Items, ValueOrigin.Stored, stored.Owner);
            }

            var rows = variable.Master is null ? (int?)null : Value(variable.Master).Items.Count;
            if (variable.Fill is { IsComputed: true } fill)
            {
                var computed = fill.Kind == FillKind.Eole
                    ? EoleFillFunctions.Compute(fill.Function, fill.Params.Select(Argument).ToArray(), host)
                    : fill.Kind == FillKind.CalcMultiVal
                    ? EoleFillFunctions.CalcMultiVal(fill.Params.Select(Argument).ToArray(), fill.AllowNone)
                    : FillFunctions.Compute(fill.Kind, ConcatOrder(fill).Select(p => p.Items ?? (!p.IsVariable ? [p.Literal] : p.Variable is null ? [] : Value(p.Variable).Items)).ToArray(), fill.AllowNone);
                if (computed is not null)
                {
                    var items = rows is { } rowCount && computed.Count == 1 ? Enumerable.Repeat(computed[0], rowCount).ToArray()
                        : variable.Multi ? computed
                        : [computed[0]];
                    return (items, ValueOrigin.Fill, null);
                }
            }

            if (!ignoreStored && values.Get(variable.Name) is { } kept)
            {
                return (kept.Items, ValueOrigin.Stored, kept.Owner);
            }

            var rowDefault = variable.Defaults.Count > 0 ? variable.Defaults[0] : null;
            var defaults = rows is { } count ? Enumerable.Repeat(rowDefault, count).ToArray()
                : variable.Multi ? (IReadOnlyList<string?>)variable.Defaults
                : rowDefault is null ? [] : [rowDefault];
            return (defaults, defaults.Any(d => d is not null) ? ValueOrigin.Default : ValueOrigin.None, null);
        }

        /// <summary><c>random_int(vmin, vmax, exclude=None)</c> with integer params (positional or named), else null.</summary>
        private static RandomRange? RandomRangeOf(SchemaFill fill)
        {
            var positional = fill.Params.Where(p => p.Name is null && !p.IsVariable).ToList();
            long? Number(string name, int index)
            {
                var param = fill.Params.LastOrDefault(p => p.Name == name) ?? (index < positional.Count ? positional[index] : null);
                var text = param is null || param.IsVariable ? null : param.Items is { Count: 1 } items ? items[0] : param.Literal;
                return text is not null && VariableTypes.TryParseInteger(text, out var number) ? number : null;
            }

            return Number("vmin", 0) is { } min && Number("vmax", 1) is { } max && min <= max
                ? new RandomRange(min, max, Number("exclude", 2))
                : null;
        }

        /// <summary>EOLE's concat joins its positional params, then its named ones sorted by name; other fills keep document order.</summary>
        private static IEnumerable<SchemaParam> ConcatOrder(SchemaFill fill) => fill.Kind != FillKind.Concat
            ? fill.Params
            : fill.Params.Where(p => p.Name is null).Concat(fill.Params.Where(p => p.Name is not null).OrderBy(p => p.Name, StringComparer.Ordinal));

        private FillArgument Argument(SchemaParam param)
        {
            if (param.Items is { } items)
            {
                return new FillArgument(param.Name, items, items.Count != 1 || param.Literal.TrimStart().StartsWith('['));
            }

            if (!param.IsVariable)
            {
                return new FillArgument(param.Name, [param.Literal], false);
            }

            if (param.Variable is null)
            {
                return new FillArgument(param.Name, [], false);
            }

            var variable = schema.VariablesByName[param.Variable];
            var value = Value(param.Variable).Items;
            return new FillArgument(param.Name, value, variable.Multi);
        }
    }
}
