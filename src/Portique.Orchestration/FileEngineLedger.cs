using Portique.Core;
using Portique.Planning;

namespace Portique.Orchestration;

/// <summary>
/// The engine ledger as marker files, <c>/var/lib/portique/engines/&lt;technology&gt;</c>: one per technology the root
/// ever used. Markers are never removed; a stray one only costs one engine query per run. A root without the folder
/// (older than the ledger) is unknown: every engine is asked. A <see cref="ReadOnly"/> ledger (the verbs that only look)
/// reads the markers and writes none.
/// </summary>
internal sealed class FileEngineLedger(PortiqueRoot root) : IEngineLedger
{
    /// <summary>Reads, never writes: <c>plan</c> and <c>status</c> leave the root as they found it.</summary>
    public bool ReadOnly { get; init; }

    private string Folder => Path.Join(root.StateDirectory, "engines");

    public IReadOnlySet<Technology>? UsedTechnologies()
    {
        if (!Directory.Exists(Folder))
        {
            return null;
        }

        var used = new HashSet<Technology>();
        foreach (var file in Directory.EnumerateFiles(Folder))
        {
            if (TechnologyModules.Technologies.TryParse(Path.GetFileName(file), out var technology))
            {
                used.Add(technology);
            }
        }

        return used;
    }

    public void Initialize(IEnumerable<Technology> owned)
    {
        if (ReadOnly)
        {
            return;
        }

        Directory.CreateDirectory(Folder);
        foreach (var technology in owned)
        {
            MarkUsed(technology);
        }
    }

    public void MarkUsed(Technology technology)
    {
        if (ReadOnly)
        {
            return;
        }

        Directory.CreateDirectory(Folder);
        var marker = Path.Join(Folder, technology.Name);
        if (!File.Exists(marker))
        {
            File.WriteAllText(marker, "");
        }
    }
}
