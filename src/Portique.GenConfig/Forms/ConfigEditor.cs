using Portique.Configuration;
using Portique.Core;
using Portique.Orchestration;

namespace Portique.GenConfig.Forms;

/// <summary>The outcome of checking posted values: the configuration they give, and every problem.</summary>
/// <param name="Configuration">The configuration with the posted values (what the page shows again).</param>
/// <param name="Assignments">The variables the form changed, in dictionary order.</param>
/// <param name="Problems">Everything that blocks saving; empty when the values may be saved.</param>
/// <param name="Warnings">What does not block (config.eol entries no dictionary declares).</param>
/// <param name="ServiceCount">How many containers the configuration describes.</param>
internal sealed record FormCheck(
    EvaluatedConfiguration Configuration,
    IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> Assignments,
    IReadOnlyList<Diagnostic> Problems,
    IReadOnlyList<Diagnostic> Warnings,
    int ServiceCount);

/// <summary>
/// Checks and saves the form through <see cref="Workspace"/>, the engine behind <c>portique set</c>: the same
/// assignments, the same validation, the same atomic write, owner <c>gen_config</c>.
/// </summary>
internal sealed class ConfigEditor(Workspace workspace)
{
    /// <summary>Two administrators saving at once: each save reads, changes and writes config.eol whole, one after the other.</summary>
    private static readonly Lock SaveGate = new();

    /// <summary>Applies the posted values in memory and validates the whole result; writes nothing.</summary>
    public FormCheck Check(IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> assignments, EvaluatedConfiguration current)
    {
        ArgumentNullException.ThrowIfNull(assignments);
        ArgumentNullException.ThrowIfNull(current);
        var evaluated = current;
        var problems = new List<Diagnostic>();
        foreach (var (name, values) in assignments)
        {
            try
            {
                var updated = evaluated.SetValue(name, values, Owners.GenConfig);
                evaluated = EvaluatedConfiguration.Evaluate(evaluated.Dictionaries, updated);
            }
            catch (InvalidInputException e)
            {
                problems.AddRange(e.Diagnostics);
            }
        }

        var report = workspace.Validate(evaluated);
        problems.AddRange(report.Problems);
        return new FormCheck(evaluated, assignments, problems, report.Warnings, report.Desired.Services.Count);
    }

    /// <summary>Saves as <c>portique set</c> does (validated again, written atomically); nothing is written when no variable changed.</summary>
    /// <exception cref="ConfigurationInvalidException">The values are refused; config.eol is unchanged.</exception>
    public bool Save(IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> assignments)
    {
        ArgumentNullException.ThrowIfNull(assignments);
        if (assignments.Count == 0)
        {
            return false;
        }

        lock (SaveGate)
        {
            workspace.Set(assignments, Owners.GenConfig);
        }

        return true;
    }
}
