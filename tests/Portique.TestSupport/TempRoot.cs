using Portique.Core;

namespace Portique.TestSupport;

/// <summary>A fresh Portique root directory under the system temp directory, deleted (with all it holds) on dispose.</summary>
public sealed class TempRoot : IDisposable
{
    public TempRoot(string prefix = "portique-root-")
    {
        Directory = System.IO.Directory.CreateTempSubdirectory(prefix).FullName;
        Root = new PortiqueRoot(Directory);
    }

    /// <summary>The root's absolute path (what <c>portique.root</c> labels carry).</summary>
    public string Directory { get; }

    public PortiqueRoot Root { get; }

    /// <summary>A path inside the root directory (not created).</summary>
    public string PathOf(params string[] relative) => Path.Join([Directory, .. relative]);

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Already gone.
        }
    }
}
