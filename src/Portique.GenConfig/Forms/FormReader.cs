using System.Globalization;
using Portique.Configuration;
using Portique.Core;

namespace Portique.GenConfig.Forms;

/// <summary>
/// Turns a posted form into <c>set</c> assignments: only the variables whose posted value differs from their current
/// effective value, so an untouched default or fill stays one. A password left empty keeps its value.
/// </summary>
internal static class FormReader
{
    public static IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> Assignments(IFormCollection form, EvaluatedConfiguration current)
    {
        ArgumentNullException.ThrowIfNull(form);
        ArgumentNullException.ThrowIfNull(current);
        var fields = form[ConfigForm.FieldsKey].OfType<string>().ToHashSet(StringComparer.Ordinal);
        var baseline = WithPostedCounts(form, current, fields);
        EvaluatedVariable? Find(string name) => current.Find(name) ?? baseline.Find(name);

        var result = new List<KeyValuePair<string, IReadOnlyList<string>>>();
        // A frozen variable is read-only here (EOLE's editors): a forged post cannot change it.
        foreach (var variable in baseline.Variables.Where(v => fields.Contains(v.Name) && !v.IsSlave && !v.Frozen))
        {
            var known = Find(variable.Name)!;
            if (known.IsMaster)
            {
                var columns = new List<EvaluatedVariable> { known };
                columns.AddRange(known.Slaves.Where(fields.Contains).Select(Find).OfType<EvaluatedVariable>());
                var table = ReadTable(form, columns);
                for (var i = 0; i < columns.Count; i++)
                {
                    Add(result, columns[i], table[i]);
                }

                continue;
            }

            if (known.Multi)
            {
                Add(result, known, form[known.Name].Select(Clean).Where(v => v.Length > 0).ToArray());
            }
            else if (ConfigForm.IsSwitch(known))
            {
                var (on, off) = ConfigForm.SwitchWords(known.Type);
                var posted = form[known.Name].Contains(on) ? on : off;
                var before = known.Values.FirstOrDefault() ?? "";
                if (posted != before && !(posted == off && before.Length == 0))
                {
                    result.Add(new(known.Name, [posted]));
                }
            }
            else if (known.Type == VariableType.Password)
            {
                var posted = form[known.Name].FirstOrDefault() ?? "";
                if (posted.Length > 0)
                {
                    result.Add(new(known.Name, [posted]));
                }
            }
            else
            {
                var posted = Clean(form[known.Name].FirstOrDefault());
                Add(result, known, posted.Length == 0 ? [] : [posted]);
            }
        }

        return result;
    }

    /// <summary>The posted value of a repeated file's count variable, when it is a number.</summary>
    public static int? PostedCount(IFormCollection form, string countVariable)
    {
        ArgumentNullException.ThrowIfNull(form);
        return int.TryParse(Clean(form[countVariable].FirstOrDefault()), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    /// <summary>Rows of a master/slave table: cells read in document order, rows left entirely empty dropped.</summary>
    private static List<string[]> ReadTable(IFormCollection form, List<EvaluatedVariable> columns)
    {
        var cells = columns.Select(c => form[c.Name].Select(Clean).ToArray()).ToArray();
        var rows = cells.Max(c => c.Length);
        var result = columns.Select(_ => new List<string>()).ToArray();
        for (var row = 0; row < rows; row++)
        {
            var values = cells.Select(c => row < c.Length ? c[row] : "").ToArray();
            if (values.All(v => v.Length == 0))
            {
                continue;
            }

            for (var column = 0; column < columns.Count; column++)
            {
                result[column].Add(values[column]);
            }
        }

        return result.Select(r => r.ToArray()).ToList();
    }

    private static void Add(List<KeyValuePair<string, IReadOnlyList<string>>> result, EvaluatedVariable variable, IReadOnlyList<string> posted)
    {
        var before = variable.Values.Select(v => v ?? "").ToArray();
        if (!variable.Multi && before.All(v => v.Length == 0))
        {
            before = [];
        }

        if (!before.SequenceEqual(posted, StringComparer.Ordinal))
        {
            result.Add(new(variable.Name, posted));
        }
    }

    /// <summary>
    /// The configuration whose variables the posted fields are compared with: the current one, with the repeated
    /// files instantiated up to the posted counts (a container added in the page is not in config.eol yet).
    /// </summary>
    private static EvaluatedConfiguration WithPostedCounts(IFormCollection form, EvaluatedConfiguration current, HashSet<string> fields)
    {
        var values = current.Values;
        var expanded = false;
        foreach (var state in current.Repetitions)
        {
            var countVariable = state.Repetition.CountVariable;
            if (fields.Contains(countVariable) && PostedCount(form, countVariable) is { } n && n > state.Instances && n <= state.Repetition.Max)
            {
                values = EvaluatedConfiguration.Evaluate(current.Dictionaries, values).SetValue(countVariable, [n.ToString(CultureInfo.InvariantCulture)], Owners.GenConfig);
                expanded = true;
            }
        }

        if (!expanded)
        {
            return current;
        }

        try
        {
            return EvaluatedConfiguration.Evaluate(current.Dictionaries, values);
        }
        catch (InvalidInputException)
        {
            return current;
        }
    }

    private static string Clean(string? value) => (value ?? "").Trim();
}
