using Portique.Core;

namespace Portique.Configuration;

/// <summary>
/// Checks the enabled variables of an evaluated configuration and reports every problem at once,
/// in dictionary order, so the administrator fixes them in one pass. Disabled variables are skipped
/// (their values are kept, not judged); hidden ones are checked.
/// </summary>
internal static class ConfigurationValidator
{
    /// <summary>
    /// The problems, and the warnings: what EOLE only warns about (a <c>level='warning'</c> check, the types
    /// <c>netbios</c> and <c>local_ip</c>, Tiramisu options with <c>warnings_only</c>) is reported, never blocking.
    /// </summary>
    public static (IReadOnlyList<Diagnostic> Problems, IReadOnlyList<Diagnostic> Warnings) Validate(
        EvaluatedConfiguration configuration,
        IReadOnlyDictionary<string, IReadOnlyList<CheckDeclaration>> checks)
    {
        var problems = new List<Diagnostic>();
        var warnings = new List<Diagnostic>();
        var countMaxima = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var state in configuration.Repetitions)
        {
            var max = state.Repetition.Max;
            countMaxima[state.Repetition.CountVariable] = countMaxima.TryGetValue(state.Repetition.CountVariable, out var other) ? Math.Min(max, other) : max;
        }

        foreach (var variable in configuration.Variables.Where(v => !v.Disabled))
        {
            var before = problems.Count;
            void Report(string message) => problems.Add(new Diagnostic(variable.Name, message));
            void Missing(string message) => problems.Add(Diagnostic.Missing(variable.Name, message));
            void Warn(string message) => warnings.Add(new Diagnostic(variable.Name, message));

            var items = variable.Values;
            if (!variable.Multi && (configuration.Values.Get(variable.Name)?.IsList == true || items.Count > 1))
            {
                Report(Messages.FormatMultiValuesForSingle(items.Count));
                continue;
            }

            if (variable.Mandatory)
            {
                CheckMandatory(variable, Missing);
            }

            var variableChecks = checks.GetValueOrDefault(variable.Name) ?? [];
            for (var index = 0; index < items.Count; index++)
            {
                var item = items[index];
                if (string.IsNullOrEmpty(item))
                {
                    continue;
                }

                var row = index + 1;
                string AtRow(string message) => variable.Multi ? Messages.FormatAtRow(row, message) : message;

                if (VariableTypes.Validate(variable.Type, item) is { } typeProblem)
                {
                    Report(AtRow(typeProblem));
                    continue;
                }

                if (EoleTypes.Warning(variable.Type, item) is { } typeWarning)
                {
                    Warn(AtRow(typeWarning));
                }

                var shown = variable.Type == VariableType.Password ? EvaluatedVariable.PasswordMask : item;
                foreach (var check in variableChecks)
                {
                    if (CheckProblem(check, item, shown, configuration) is { } checkProblem)
                    {
                        (check.WarningOnly ? (Action<string>)Warn : Report)(AtRow(checkProblem));
                    }
                }
            }

            // Rows given on one side only: the other side's values are still to be given.
            if (variable.Master is not null && configuration.Find(variable.Master) is { } master && master.Values.Count != items.Count)
            {
                Missing(Messages.FormatSlaveLengthMismatch(variable.Name, items.Count, master.Name, master.Values.Count));
            }

            if (problems.Count == before
                && countMaxima.TryGetValue(variable.Name, out var countMax)
                && items.Count == 1
                && VariableTypes.TryParseInteger(items[0] ?? "", out var count)
                && (count < 0 || count > countMax))
            {
                Report(Messages.FormatRepeatCountOutOfRange(count, countMax));
            }
        }

        return (problems, warnings);
    }

    private static void CheckMandatory(EvaluatedVariable variable, Action<string> report)
    {
        var items = variable.Values;
        if (!variable.Multi || (!variable.IsSlave && items.All(string.IsNullOrEmpty)))
        {
            if (items.All(string.IsNullOrEmpty))
            {
                report(Messages.Mandatory);
            }

            return;
        }

        // A list: every row needs a value (a slave may have no rows when its master has none).
        for (var index = 0; index < items.Count; index++)
        {
            if (string.IsNullOrEmpty(items[index]))
            {
                report(Messages.FormatMandatoryRow(index + 1));
            }
        }
    }

    private static string? CheckProblem(CheckDeclaration check, string item, string shown, EvaluatedConfiguration configuration)
    {
        switch (check.Kind)
        {
            case CheckKind.ValidEnum when check.EnumIsClosed && !check.EnumValues.Contains(item, StringComparer.Ordinal):
                return Messages.FormatEnumNotAllowed(Messages.Shown(shown), string.Join(", ", check.EnumValues));
            case CheckKind.ValidEntier:
                if (!VariableTypes.TryParseInteger(item, out var number))
                {
                    return Messages.FormatRangeNotInteger(Messages.Shown(shown));
                }

                return (check.Minimum, check.Maximum) switch
                {
                    ({ } min, { } max) when number < min || number > max => Messages.FormatRangeBetween(Messages.Shown(shown), min, max),
                    ({ } min, null) when number < min => Messages.FormatRangeAtLeast(Messages.Shown(shown), min),
                    (null, { } max) when number > max => Messages.FormatRangeAtMost(Messages.Shown(shown), max),
                    _ => null,
                };
            case CheckKind.Eole:
                return EoleChecks.Problem(check, item, shown, name => configuration.Find(name)?.Values ?? []);
            default:
                return null;
        }
    }
}
