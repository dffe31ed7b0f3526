using Portique.Core;
using Portique.Planning;

namespace Portique.Orchestration;

/// <summary>
/// The engine ledger as marker files, <c>/var/lib/portique/engines/&lt;technology&gt;</c>: one per technology the root
/// ever used. Markers are never removed; a stray one only costs one engine query per run. A root without the folder
/// (older than the ledger) is unknown: every engine is asked.
/// </summary>
public sealed class FileEngineLedger(PortiqueRoot root) : IEngineLedger
{
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
            if (TechnologyNames.TryParse(Path.GetFileName(file), out var technology))
            {
                used.Add(technology);
            }
        }

        return used;
    }

    public void Initialize(IEnumerable<Technology> owned)
    {
        Directory.CreateDirectory(Folder);
        foreach (var technology in owned)
        {
            MarkUsed(technology);
        }
    }

    public void MarkUsed(Technology technology)
    {
        Directory.CreateDirectory(Folder);
        var marker = Path.Join(Folder, technology.Name());
        if (!File.Exists(marker))
        {
            File.WriteAllText(marker, "");
        }
    }
}
