namespace Portique.Core;

/// <summary>
/// Every EOLE path resolved under one root directory (default <c>/</c>), so tests and demos never
/// touch the real system. Paths given to <see cref="Resolve"/> are absolute system paths.
/// </summary>
public sealed record PortiqueRoot
{
    public PortiqueRoot(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
    }

    public static PortiqueRoot System { get; } = new("/");

    public string Directory { get; }

    public bool IsSystemRoot => Directory == "/";

    /// <summary>Maps an absolute system path (<c>/etc/eole/config.eol</c>) under this root.</summary>
    public string Resolve(string absolutePath)
    {
        if (!absolutePath.StartsWith('/'))
        {
            throw new ArgumentException($"'{absolutePath}' is not an absolute path", nameof(absolutePath));
        }

        return IsSystemRoot ? absolutePath : Path.Join(Directory, absolutePath);
    }

    public string ConfigEol => Resolve("/etc/eole/config.eol");

    public string DictionariesDirectory => Resolve("/usr/share/eole/creole/dicos");

    public string TemplatesDirectory => Resolve("/usr/share/eole/creole/distrib");

    public string StateDirectory => Resolve("/var/lib/portique");

    public string HooksDirectory(string stage) => Resolve("/usr/share/eole/" + stage);
}
