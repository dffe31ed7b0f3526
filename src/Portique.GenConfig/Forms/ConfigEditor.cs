using Portique.Configuration;
using Portique.Core;
using Portique.Orchestration;

namespace Portique.GenConfig.Forms;

/// <summary>The outcome of checking posted values: the configuration they give, and every problem.</summary>
/// <param name="Configuration">The configuration with the posted values (what the page shows again).</param>
/// <param name="Assignments">The variables the form changed, in dictionary order.</param>
/// <param name="Problems">Every problem of the result, invalid and incomplete (what the page shows).</param>
/// <param name="Refused">What blocks saving (new invalid problems, or a changed variable that is invalid); empty when the values may be saved.</param>
/// <param name="Warnings">What does not block (config.eol entries no dictionary declares).</param>
/// <param name="ServiceCount">How many containers the configuration describes.</param>
internal sealed record FormCheck(
    EvaluatedConfiguration Configuration,
    IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> Assignments,
    IReadOnlyList<Diagnostic> Problems,
    IReadOnlyList<Diagnostic> Refused,
    IReadOnlyList<Diagnostic> Warnings,
    int ServiceCount);

/// <summary>
/// Checks and saves the form through <see cref="Workspace"/>, the engine behind <c>portique set</c>: the same
/// assignments, the same rule (a draft with values still missing is saved; a new invalid value is refused), the same
/// locked atomic write, owner <c>gen_config</c>.
/// </summary>
internal sealed class ConfigEditor(Workspace workspace)
{
    /// <summary>Applies the posted values in memory and validates the whole result; writes nothing.</summary>
    public FormCheck Check(IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> assignments, EvaluatedConfiguration current)
    {
        ArgumentNullException.ThrowIfNull(assignments);
        ArgumentNullException.ThrowIfNull(current);
        try
        {
            var (evaluated, report, refused) = workspace.Check(current, assignments, Owners.GenConfig);
            return new FormCheck(evaluated, assignments, report.Problems, refused, report.Warnings, report.Desired.Services.Count);
        }
        catch (InvalidInputException e)
        {
            // A field no dictionary declares (a forged or outdated form): shown, never saved.
            return new FormCheck(current, assignments, e.Diagnostics, e.Diagnostics, current.Warnings, 0);
        }
    }

    /// <summary>Saves as <c>portique set</c> does (checked again under the lock, written atomically); nothing is written when no variable changed.</summary>
    /// <param name="assignments">The changed variables.</param>
    /// <param name="version">The <see cref="Workspace.ConfigVersion"/> the page was made from: a save from an older page is refused.</param>
    /// <exception cref="ConfigurationInvalidException">The values are refused, or config.eol changed since the page was shown; config.eol is unchanged.</exception>
    public bool Save(IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> assignments, string? version)
    {
        ArgumentNullException.ThrowIfNull(assignments);
        if (assignments.Count == 0)
        {
            return false;
        }

        workspace.Set(assignments, Owners.GenConfig, version);
        return true;
    }
}
