namespace Portique.TestSupport;

/// <summary>The source tree the tests were built from.</summary>
public static class Repository
{
    /// <summary>The repository's root (where Portique.sln is), found above the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Join(directory.FullName, "Portique.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Portique.sln not found above " + AppContext.BaseDirectory);
    }
}
