using Portique.Core;

namespace Portique.Configuration;

/// <summary>
/// Merges the dictionaries in load order (instantiating repeated files), applies redefinitions, then
/// resolves every constraint against the merged names. Errors are collected, not thrown.
/// Every lookup goes through a dictionary by name, so the cost is linear in the size of the dictionaries.
/// </summary>
internal sealed class SchemaBuilder
{
    private static readonly string[] TargetKindNames =
        ["variable", "family", "filelist", "servicelist", "interfacelist", "hostlist", "service_accesslist", "service_restrictionlist", "fstablist", "actionlist"];

    private readonly List<Diagnostic> _errors;
    private readonly AbsentInstances _absent;
    private readonly Dictionary<string, VariableDraft> _variables = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FamilyDraft> _families = new(StringComparer.Ordinal);
    private readonly List<FamilyDraft> _familyOrder = [];
    private readonly List<FileDraft> _files = [];
    private readonly List<ServiceDraft> _services = [];
    private readonly List<SeparatorDeclaration> _separators = [];
    private readonly List<HelpDeclaration> _help = [];
    private readonly List<CheckDeclaration> _checks = [];
    private readonly List<ConditionDeclaration> _conditions = [];
    private readonly List<FillDeclaration> _fills = [];
    private readonly List<GroupDeclaration> _groups = [];
    private readonly List<MachineryDeclaration> _machinery = [];

    // EOLE normalises family names (accents, case, spaces and dashes): families merge and are referred to that way.
    private readonly Dictionary<string, FamilyDraft> _familiesByKey = new(StringComparer.Ordinal);

    private SchemaBuilder(List<Diagnostic> errors, AbsentInstances absent)
    {
        this._errors = errors;
        this._absent = absent;
    }

    /// <summary>Builds the schema for the given instance counts; on errors the result is partial and <paramref name="errors"/> says why.</summary>
    public static Schema Build(DictionarySource source, IReadOnlyList<RepetitionState> repetitions, List<Diagnostic> errors)
    {
        var states = repetitions.ToDictionary(r => r.Repetition.FileName, StringComparer.Ordinal);
        var absent = new AbsentInstances(source.Files
            .Where(f => f.Repeat is not null)
            .Select(f => (f.RepeatedNames!, states[f.FileName]))
            .ToArray());
        var builder = new SchemaBuilder(errors, absent);
        foreach (var file in source.Files)
        {
            if (file.Repeat is null)
            {
                builder.Add(file.Parse(null, errors), null, false);
                continue;
            }

            var state = states[file.FileName];
            for (var n = 1; n <= state.Instances; n++)
            {
                builder.Add(file.Parse(n, errors), n, n > state.Count);
            }
        }

        builder.Resolve(source.Repetitions.Select(r => r.CountVariable).ToHashSet(StringComparer.Ordinal));
        return builder.Freeze(repetitions);
    }

    private void Add(DictionaryDeclarations declarations, int? instance, bool disabled)
    {
        foreach (var familyDeclaration in declarations.Families)
        {
            if (!_families.TryGetValue(familyDeclaration.Name, out var family)
                && !_familiesByKey.TryGetValue(EoleNames.NormalizeFamily(familyDeclaration.Name), out family))
            {
                family = new FamilyDraft(familyDeclaration.Name, familyDeclaration.Location, instance);
                _families.Add(family.Name, family);
                _familiesByKey.TryAdd(EoleNames.NormalizeFamily(family.Name), family);
                _familyOrder.Add(family);
            }

            // A family may be declared by several files: the attributes given last win.
            family.Mode = familyDeclaration.Mode ?? family.Mode;
            family.Icon = familyDeclaration.Icon ?? family.Icon;
            family.Hidden = familyDeclaration.Hidden ?? family.Hidden;
            family.DeclaredByEnabledFile |= !disabled;
            foreach (var declaration in familyDeclaration.Variables)
            {
                AddVariable(family, declaration, instance, disabled);
            }
        }

        foreach (var file in declarations.Files)
        {
            if (file.Redefine)
            {
                _files.RemoveAll(f => f.Declaration.Name == file.Name);
            }

            _files.Add(new FileDraft(file, instance, disabled));
        }

        _machinery.AddRange(declarations.Machinery.SelectMany(m => m.SelfAndDescendants()));
        _services.AddRange(declarations.Services.Select(s => new ServiceDraft(s, instance, disabled)));
        _separators.AddRange(declarations.Separators);
        _help.AddRange(declarations.Help);
        _checks.AddRange(declarations.Checks);
        _conditions.AddRange(declarations.Conditions);
        _fills.AddRange(declarations.Fills);
        _groups.AddRange(declarations.Groups);
    }

    private void AddVariable(FamilyDraft family, VariableDeclaration declaration, int? instance, bool disabled)
    {
        if (_variables.TryGetValue(declaration.Name, out var existing))
        {
            if (declaration.Redefine)
            {
                existing.Redefine(declaration);
                RemoveEarlierConstraints(declaration);
            }
            else if (declaration.Exists)
            {
                Error(declaration.Location, Messages.FormatDuplicateVariable(declaration.Name, existing.Location.ToString()));
            }

            // exists='False': declare only if absent, and it is present.
            return;
        }

        if (declaration.Redefine)
        {
            // redefine + exists='False': redefine only if present, and it is absent.
            if (declaration.Exists)
            {
                Error(declaration.Location, Messages.FormatRedefineUnknown(declaration.Name));
            }

            return;
        }

        var variable = new VariableDraft(declaration, family.Name, instance, disabled);
        _variables.Add(variable.Name, variable);
        family.Variables.Add(variable);
    }

    /// <summary><c>remove_check</c>, <c>remove_condition</c>, <c>remove_fill</c>: drop what earlier dictionaries put on the variable.</summary>
    private void RemoveEarlierConstraints(VariableDeclaration declaration)
    {
        var name = declaration.Name;
        if (declaration.RemoveCheck)
        {
            _checks.RemoveAll(c => c.Target == name);
        }

        if (declaration.RemoveFill)
        {
            _fills.RemoveAll(f => f.Target == name);
        }

        if (declaration.RemoveCondition)
        {
            for (var index = _conditions.Count - 1; index >= 0; index--)
            {
                var condition = _conditions[index];
                var targets = condition.Targets.Where(t => !(t.Kind == TargetKind.Variable && t.Name == name)).ToArray();
                if (targets.Length == 0)
                {
                    _conditions.RemoveAt(index);
                }
                else if (targets.Length != condition.Targets.Count)
                {
                    _conditions[index] = condition with { Targets = targets };
                }
            }
        }
    }

    private FamilyDraft? FindFamily(string name) =>
        _families.TryGetValue(name, out var family) ? family : _familiesByKey.GetValueOrDefault(EoleNames.NormalizeFamily(name));

    private void Resolve(HashSet<string> countVariables)
    {
        ResolveGroups();
        foreach (var variable in _variables.Values.Where(v => !v.Multi && v.Defaults.Count > 1))
        {
            Error(variable.Location, Messages.FormatSeveralDefaultsForSingle(variable.Name));
        }

        ResolveChecks();
        ResolveFills(countVariables);
        ResolveConditions();
        foreach (var entry in _help)
        {
            if (entry.IsFamily)
            {
                if (FindFamily(entry.Name) is { } family)
                {
                    family.Help = entry.Text;
                }
                else if (!_absent.IsAbsentFamily(entry.Name))
                {
                    Error(entry.Location, Messages.FormatUnknownFamilyReference("help", entry.Name));
                }
            }
            else if (Variable(entry.Name, "help", entry.Location) is { } variable)
            {
                variable.Help = entry.Text;
            }
        }

        foreach (var separator in _separators)
        {
            if (Variable(separator.Variable, "separator", separator.Location) is { } variable)
            {
                variable.Separator = separator.Text;
            }
        }
    }

    private void ResolveGroups()
    {
        foreach (var group in _groups)
        {
            var master = Variable(group.Master, "group", group.Location);
            if (master is null)
            {
                continue;
            }

            if (master.Master is not null)
            {
                Error(group.Location, Messages.FormatMasterIsSlave(master.Name, master.Master));
                continue;
            }

            master.Multi = true;
            foreach (var (slaveName, location) in group.Slaves)
            {
                var slave = Variable(slaveName, "slave", location);
                if (slave is null)
                {
                    continue;
                }

                if (slave == master || slave.Slaves.Count > 0)
                {
                    Error(location, Messages.FormatSlaveIsMaster(slave.Name));
                }
                else if (slave.Master is not null)
                {
                    Error(location, Messages.FormatSlaveInTwoGroups(slave.Name, slave.Master));
                }
                else if (slave.Family != master.Family)
                {
                    Error(location, Messages.FormatSlaveInOtherFamily(slave.Name, slave.Family, master.Name, master.Family));
                }
                else
                {
                    // A slave holds one value per row of its master: it is multi whatever it says.
                    slave.Multi = true;
                    slave.Master = master.Name;
                    master.Slaves.Add(slave.Name);
                }
            }
        }
    }

    private void ResolveChecks()
    {
        foreach (var check in _checks)
        {
            if (Variable(check.Target, "check", check.Location) is not { } variable)
            {
                continue;
            }

            if (check.Kind == CheckKind.Obligatoire)
            {
                variable.Mandatory = true;
            }
            else if (check.Kind == CheckKind.Eole
                && check.Params.FirstOrDefault(p => p.IsVariable && !p.Optional && !_variables.ContainsKey(p.Text) && !_absent.IsAbsentVariable(p.Text)) is { } unknown)
            {
                Error(unknown.Location, Messages.FormatUnknownVariableReference("param", unknown.Text));
            }
            else
            {
                variable.Checks.Add(check);
            }
        }
    }

    private void ResolveFills(HashSet<string> countVariables)
    {
        foreach (var fill in _fills)
        {
            if (Variable(fill.Target, "fill", fill.Location) is not { } target)
            {
                continue;
            }

            if (target.Fill is not null)
            {
                Error(fill.Location, Messages.FormatFillTwice(target.Name, target.Fill.Location.ToString()));
                continue;
            }

            if (countVariables.Contains(target.Name))
            {
                Error(fill.Location, Messages.FormatFillOnRepeatCount(target.Name));
                continue;
            }

            var parameters = new List<SchemaParam>();
            var allowNone = false;
            var valid = true;
            foreach (var param in fill.Params)
            {
                if (fill.Kind == FillKind.CalcMultiVal && param.Name == "allow_none")
                {
                    allowNone = DictionaryParser.TryParseBoolean(param.Text, out var allow) && allow;
                    continue;
                }

                if (!param.IsVariable)
                {
                    parameters.Add(new SchemaParam(param.Name, false, null, param.Text) { Items = param.Items, Kind = param.Kind });
                    continue;
                }

                if (_variables.TryGetValue(param.Text, out var referenced))
                {
                    if (referenced.Multi && fill.Kind == FillKind.Concat)
                    {
                        Error(param.Location, Messages.FormatConcatOfMulti(referenced.Name));
                        valid = false;
                    }
                    else if (referenced.Multi && fill.Kind == FillKind.CalcVal && !target.Multi)
                    {
                        Error(param.Location, Messages.FormatFillMultiIntoSingle(referenced.Name, target.Name));
                        valid = false;
                    }

                    parameters.Add(new SchemaParam(param.Name, true, referenced.Name, param.Text) { Kind = ParamKind.Eole });
                }
                else if (param.Optional || _absent.IsAbsentVariable(param.Text))
                {
                    parameters.Add(new SchemaParam(param.Name, true, null, param.Text) { Kind = ParamKind.Eole });
                }
                else
                {
                    Error(param.Location, Messages.FormatUnknownVariableReference("param", param.Text));
                    valid = false;
                }
            }

            if (fill.Kind == FillKind.Concat && target.Multi)
            {
                Error(fill.Location, Messages.FormatFillNeedsSingle("concat", target.Name));
                valid = false;
            }
            else if (fill.Kind == FillKind.CalcMultiVal && !target.Multi)
            {
                Error(fill.Location, Messages.FormatFillNeedsMulti("calc_multi_val", target.Name));
                valid = false;
            }

            if (valid)
            {
                target.Fill = new SchemaFill(fill.Kind, parameters, allowNone, fill.Location) { Function = fill.Function, IsAuto = fill.IsAuto };
            }
        }

        ReportFillCycles();
    }

    /// <summary>How many variables one chain of fills may go through: evaluation follows a chain recursively.</summary>
    internal const int MaxFillChain = 100;

    /// <summary>
    /// Fills read other variables' values (and a slave reads its master's row count): that graph must be acyclic, and
    /// no chain longer than <see cref="MaxFillChain"/> (a deeper one would exhaust the stack, which no handler can catch).
    /// </summary>
    private void ReportFillCycles()
    {
        var state = new Dictionary<string, bool>(StringComparer.Ordinal); // false: on the current path, true: done
        var tooDeep = false;
        var chain = new Dictionary<string, int>(StringComparer.Ordinal); // the longest chain of fills below a finished variable
        foreach (var variable in _variables.Values)
        {
            var path = new List<string>();
            if (Visit(variable.Name, path) is { } cycle)
            {
                if (tooDeep)
                {
                    Error(_variables[cycle[0]].Fill?.Location ?? _variables[cycle[0]].Location, Messages.FormatFillChainTooDeep(cycle[0], MaxFillChain));
                    return;
                }

                var fill = _variables[cycle[0]].Fill;
                Error(fill?.Location ?? _variables[cycle[0]].Location, Messages.FormatFillCycle(string.Join(" -> ", cycle)));
                return;
            }
        }

        List<string>? Visit(string name, List<string> path)
        {
            if (state.TryGetValue(name, out var done))
            {
                return done ? null : path.SkipWhile(p => p != name).Append(name).ToList();
            }

            if (path.Count >= MaxFillChain)
            {
                tooDeep = true;
                return [path[0]];
            }

            state[name] = false;
            path.Add(name);
            var variable = _variables[name];
            var dependencies = (variable.Fill?.Params ?? []).Where(p => p.Variable is not null).Select(p => p.Variable!);
            if (variable.Master is not null)
            {
                dependencies = dependencies.Append(variable.Master);
            }

            var longest = 0;
            foreach (var dependency in dependencies)
            {
                if (Visit(dependency, path) is { } cycle)
                {
                    return cycle;
                }

                longest = Math.Max(longest, chain[dependency]);
            }

            path.RemoveAt(path.Count - 1);
            state[name] = true;
            chain[name] = longest + 1;
            if (chain[name] > MaxFillChain)
            {
                tooDeep = true;
                return [name];
            }

            return null;
        }
    }

    private void ResolveConditions()
    {
        var filesByList = _files.Where(f => f.Declaration.FileList is not null).ToLookup(f => f.Declaration.FileList!, StringComparer.Ordinal);
        var servicesByFileList = _services.Where(s => s.Declaration.FileList is not null).ToLookup(s => s.Declaration.FileList!, StringComparer.Ordinal);
        var servicesByServiceList = _services.Where(s => s.Declaration.ServiceList is not null).ToLookup(s => s.Declaration.ServiceList!, StringComparer.Ordinal);
        var machineryLists = _machinery
            .SelectMany(m => m.Attributes.Where(a => a.Key.EndsWith("list", StringComparison.Ordinal)).Select(a => a.Key + ":" + a.Value))
            .ToHashSet(StringComparer.Ordinal);
        foreach (var condition in _conditions)
        {
            var source = condition.Source;
            bool? forced = null;
            if (!_variables.ContainsKey(condition.Source))
            {
                if (condition.Fallback && !_absent.IsAbsentVariable(condition.Source))
                {
                    // EOLE: a missing source with fallback applies *_if_in and drops *_if_not_in.
                    forced = condition.Kind is ConditionKind.DisabledIfIn or ConditionKind.HiddenIfIn or ConditionKind.MandatoryIfIn
                        or ConditionKind.FrozenIfIn or ConditionKind.AutoFrozenIfIn;
                }
                else if (!_absent.IsAbsentVariable(condition.Source))
                {
                    Error(condition.Location, Messages.FormatUnknownVariableReference("condition", condition.Source));
                    continue;
                }

                source = null;
            }

            var resolved = new SchemaCondition(condition.Kind, source, condition.Values, condition.Location) { Forced = forced };

            // On file and service lists EOLE reads hidden_if_* as disabled_if_*: the files are not generated.
            var onLists = resolved.Hides
                ? resolved with { Kind = resolved.IsIn ? ConditionKind.DisabledIfIn : ConditionKind.DisabledIfNotIn }
                : resolved;
            foreach (var target in condition.Targets)
            {
                var found = false;
                var isAbsent = false;
                switch (target.Kind)
                {
                    case TargetKind.Variable:
                        if (_variables.TryGetValue(target.Name, out var variable))
                        {
                            variable.Conditions.Add(resolved);
                            found = true;
                        }

                        isAbsent = _absent.IsAbsentVariable(target.Name);
                        break;
                    case TargetKind.Family:
                        if (FindFamily(target.Name) is { } family)
                        {
                            family.Conditions.Add(resolved);
                            found = true;
                        }

                        isAbsent = _absent.IsAbsentFamily(target.Name);
                        break;
                    case TargetKind.FileList:
                        foreach (var file in filesByList[target.Name])
                        {
                            file.Conditions.Add(onLists);
                            found = true;
                        }

                        foreach (var service in servicesByFileList[target.Name])
                        {
                            service.Conditions.Add(onLists);
                            found = true;
                        }

                        isAbsent = _absent.IsAbsentFileList(target.Name);
                        break;
                    case TargetKind.ServiceList:
                        foreach (var service in servicesByServiceList[target.Name])
                        {
                            service.Conditions.Add(onLists);
                            found = true;
                        }

                        isAbsent = _absent.IsAbsentServiceList(target.Name);
                        break;
                    case TargetKind.ActionList:
                        found = true;
                        break;
                    default:
                        // EOLE machinery lists (interfaces, hosts, service access...): kept, nothing of Portique's to act on.
                        found = machineryLists.Contains(TargetKindNames[(int)target.Kind] + ":" + target.Name);
                        break;
                }

                if (!found && !target.Optional && !isAbsent)
                {
                    Error(target.Location, Messages.FormatConditionTargetUnknown(TargetKindNames[(int)target.Kind], target.Name));
                }
            }
        }
    }

    /// <summary>Looks a referenced variable up; reports it unless it is an absent repeated instance.</summary>
    private VariableDraft? Variable(string name, string construct, SourceLocation location)
    {
        if (_variables.TryGetValue(name, out var variable))
        {
            return variable;
        }

        if (!_absent.IsAbsentVariable(name))
        {
            Error(location, Messages.FormatUnknownVariableReference(construct, name));
        }

        return null;
    }

    private Schema Freeze(IReadOnlyList<RepetitionState> repetitions)
    {
        var frozenVariables = new List<SchemaVariable>(_variables.Count);
        var frozenFamilies = new List<SchemaFamily>(_familyOrder.Count);
        foreach (var family in _familyOrder)
        {
            frozenFamilies.Add(new SchemaFamily(
                family.Name,
                family.Mode ?? DisplayMode.Normal,
                family.Icon,
                family.Hidden ?? false,
                family.Help,
                family.Variables.Select(v => v.Name).ToArray(),
                family.Conditions,
                family.Instance,
                !family.DeclaredByEnabledFile,
                family.Location));
            foreach (var v in family.Variables)
            {
                frozenVariables.Add(new SchemaVariable(
                    v.Name, v.Family, v.Type, v.Description, v.Multi, v.Mandatory, v.Hidden, v.Mode, v.Defaults, v.Help, v.Separator,
                    v.Checks, v.Fill, v.Master, v.Slaves, v.Conditions, v.Instance, v.DisabledByRepetition, v.Location)
                {
                    DisabledByAttribute = v.DisabledByAttribute,
                });
            }
        }

        return new Schema(
            frozenFamilies,
            frozenVariables,
            frozenVariables.ToDictionary(v => v.Name, StringComparer.Ordinal),
            frozenFamilies.ToDictionary(f => f.Name, StringComparer.Ordinal),
            _files.Select(f => new SchemaFile(f.Declaration, f.Conditions, f.Instance, f.Disabled)).ToArray(),
            _services.Select(s => new SchemaService(s.Declaration, s.Conditions, s.Instance, s.Disabled)).ToArray(),
            repetitions);
    }

    private void Error(SourceLocation location, string message) => _errors.Add(new Diagnostic(location.ToString(), message));

    private sealed class VariableDraft(VariableDeclaration declaration, string family, int? instance, bool disabledByRepetition)
    {
        public string Name { get; } = declaration.Name;

        public string Family { get; } = family;

        public SourceLocation Location { get; } = declaration.Location;

        public int? Instance { get; } = instance;

        public bool DisabledByRepetition { get; } = disabledByRepetition;

        public VariableType Type { get; private set; } = declaration.Type ?? VariableType.String;

        public string Description { get; private set; } = declaration.Description ?? "";

        public bool Multi { get; set; } = declaration.Multi ?? false;

        public bool Mandatory { get; set; } = declaration.Mandatory ?? false;

        public bool Hidden { get; private set; } = declaration.Hidden ?? false;

        public DisplayMode Mode { get; private set; } = declaration.Mode ?? DisplayMode.Normal;

        public bool DisabledByAttribute { get; private set; } = declaration.Disabled ?? false;

        public IReadOnlyList<string> Defaults { get; private set; } = declaration.Values ?? [];

        public string? Help { get; set; }

        public string? Separator { get; set; }

        public List<CheckDeclaration> Checks { get; } = [];

        public SchemaFill? Fill { get; set; }

        public string? Master { get; set; }

        public List<string> Slaves { get; } = [];

        public List<SchemaCondition> Conditions { get; } = [];

        /// <summary><c>redefine='True'</c>: the attributes and values the redefinition gives replace the current ones.</summary>
        public void Redefine(VariableDeclaration redefinition)
        {
            Type = redefinition.Type ?? Type;
            Description = redefinition.Description ?? Description;
            Multi = redefinition.Multi ?? Multi;
            Mandatory = redefinition.Mandatory ?? Mandatory;
            Hidden = redefinition.Hidden ?? Hidden;
            Mode = redefinition.Mode ?? Mode;
            Defaults = redefinition.Values ?? Defaults;
            DisabledByAttribute = redefinition.Disabled ?? DisabledByAttribute;
        }
    }

    private sealed class FamilyDraft(string name, SourceLocation location, int? instance)
    {
        public string Name { get; } = name;

        public SourceLocation Location { get; } = location;

        public int? Instance { get; } = instance;

        public DisplayMode? Mode { get; set; }

        public string? Icon { get; set; }

        public bool? Hidden { get; set; }

        public string? Help { get; set; }

        public bool DeclaredByEnabledFile { get; set; }

        public List<VariableDraft> Variables { get; } = [];

        public List<SchemaCondition> Conditions { get; } = [];
    }

    private sealed class FileDraft(FileDeclaration declaration, int? instance, bool disabled)
    {
        public FileDeclaration Declaration { get; } = declaration;

        public int? Instance { get; } = instance;

        public bool Disabled { get; } = disabled;

        public List<SchemaCondition> Conditions { get; } = [];
    }

    private sealed class ServiceDraft(ServiceDeclaration declaration, int? instance, bool disabled)
    {
        public ServiceDeclaration Declaration { get; } = declaration;

        public int? Instance { get; } = instance;

        public bool Disabled { get; } = disabled;

        public List<SchemaCondition> Conditions { get; } = [];
    }
}
