namespace Portique.Technologies.Shared;

/// <summary>Host directories bound into services: checked against <see cref="Core.HostPaths"/> as they resolve now, created 0750 when missing, never deleted.</summary>
internal static class HostDirectory
{
    internal const UnixFileMode Mode0750 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute;

    /// <summary>Creates <paramref name="path"/> and every missing parent, each 0750 whatever the umask.</summary>
    /// <param name="service">The service the directory is bound into (for the message).</param>
    /// <param name="path">The host directory.</param>
    /// <param name="failed">The caller's message for (path, service, reason) when the directory cannot be created.</param>
    public static void Ensure(string service, string path, Func<string, string, string, string> failed)
    {
        // Just before the mount: what the path resolves to now (a link may have been placed since validation).
        Core.HostPaths.EnsureAllowed(service, path);

        if (Directory.Exists(path))
        {
            return;
        }

        try
        {
            CreateMissing(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new Core.RuntimeFailureException(failed(path, service, exception.Message), exception);
        }
    }

    /// <summary>Creates <paramref name="path"/> and every missing parent, each 0750 whatever the umask (mkdir's mode is filtered by it).</summary>
    /// <exception cref="IOException">A level cannot be created.</exception>
    /// <exception cref="UnauthorizedAccessException">A level cannot be created.</exception>
    public static void CreateMissing(string path)
    {
        var missing = new Stack<string>();
        for (var current = Path.GetFullPath(path); !Directory.Exists(current); current = Path.GetDirectoryName(current)!)
        {
            missing.Push(current);
        }

        while (missing.TryPop(out var directory))
        {
            Directory.CreateDirectory(directory, Mode0750);
            File.SetUnixFileMode(directory, Mode0750);
        }
    }
}
