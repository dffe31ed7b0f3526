namespace Portique.Configuration;

/// <summary>
/// Where a dictionary's <c>&lt;file&gt;</c> may not write, and which modes it may not give: a mistake there would replace
/// a whole system folder, Portique's own state (config.eol, genconfig's password, its certificates, the dictionaries
/// and templates themselves) or make a file setuid or writable by anyone.
/// </summary>
internal static class FileTargets
{
    /// <summary>Portique's own files: refused as targets (the frontend's files under <c>/etc/nginx/portique/</c> stay allowed).</summary>
    private static readonly string[] OwnedFiles =
    [
        "/etc/eole/config.eol", "/etc/eole/config.eol.bak", "/etc/nginx/nginx.conf", "/etc/nginx/sites-enabled/portique.conf",
        "/run/portique-nginx.pid",
    ];

    /// <summary>Portique's own folders: nothing under them may be a dictionary's target.</summary>
    private static readonly string[] OwnedTrees =
    [
        "/etc/portique", "/var/lib/portique", "/var/log/portique", "/usr/share/eole/creole",
    ];

    private const UnixFileMode UnsafeModeBits = UnixFileMode.SetUser | UnixFileMode.SetGroup | UnixFileMode.StickyBit | UnixFileMode.OtherWrite;

    /// <summary>Why <paramref name="name"/> (a normalised absolute path) may not be a generated file, or null.</summary>
    public static string? Problem(string name)
    {
        // "/" or a top-level folder (/etc, /usr, /var...), or the root of a system tree (/var/lib/docker...).
        if (name == "/" || name.LastIndexOf('/') == 0 || Portique.Core.HostPaths.ForbiddenTrees.Contains(name, StringComparer.Ordinal))
        {
            return Messages.FormatFileTargetSystemFolder(name);
        }

        if (OwnedFiles.Contains(name, StringComparer.Ordinal)
            || name.StartsWith("/etc/eole/.config.eol.", StringComparison.Ordinal)
            || OwnedTrees.Any(tree => name == tree || name.StartsWith(tree + "/", StringComparison.Ordinal)))
        {
            return Messages.FormatFileTargetOwned(name);
        }

        return null;
    }

    /// <summary>True when <paramref name="mode"/> has setuid, setgid, sticky or world-writable bits.</summary>
    public static bool IsUnsafe(UnixFileMode mode) => (mode & UnsafeModeBits) != 0;
}
