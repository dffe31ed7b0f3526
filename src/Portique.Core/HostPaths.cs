namespace Portique.Core;

/// <summary>
/// Which host directories may be bound into a service. Whole system trees are refused (a container given any part of
/// them owns the host), and so is a path whose existing part resolves, through symbolic links, into one of them.
/// Checked when the configuration is validated and again by each driver just before the mount, on what the path
/// resolves to then.
/// </summary>
public static class HostPaths
{
    /// <summary>Refused with everything under them; <c>/lib*</c> means <c>/lib</c>, <c>/lib32</c>, <c>/lib64</c> and <c>/libx32</c>.</summary>
    public static IReadOnlyList<string> ForbiddenTrees { get; } =
    [
        "/etc", "/usr", "/bin", "/sbin", "/lib*", "/boot", "/root", "/var/lib/docker", "/var/lib/containers", "/var/lib/lxc",
        "/run", "/var/run", "/proc", "/sys", "/dev",
    ];

    /// <summary>
    /// The forbidden tree <paramref name="path"/> is (<c>/</c> for the root itself) or lies under, looking at the text
    /// and at what its existing part resolves to; null when the path may be shared.
    /// </summary>
    public static string? ForbiddenTree(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return LexicalTree(path) ?? LexicalTree(Resolve(path));
    }

    /// <summary>
    /// The path with the symbolic links of its existing part resolved (the missing rest appended as written).
    /// A loop or an unreadable link leaves that part as written.
    /// </summary>
    public static string Resolve(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        var missing = new Stack<string>();
        var existing = full;
        // A dangling link counts as existing: where it points is what a mount would create.
        while (existing != "/" && !Path.Exists(existing) && new FileInfo(existing).LinkTarget is null)
        {
            missing.Push(Path.GetFileName(existing));
            existing = Path.GetDirectoryName(existing) ?? "/";
        }

        string resolved;
        try
        {
            // realpath of the existing part: every link on the way is followed.
            resolved = ResolveExisting(existing);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            resolved = existing;
        }

        while (missing.TryPop(out var name))
        {
            resolved = Path.Join(resolved, name);
        }

        return resolved;
    }

    /// <summary>
    /// At apply time, just before a mount: throws <see cref="RuntimeFailureException"/> when
    /// <paramref name="path"/> now is or resolves into a forbidden tree (a link placed after validation).
    /// </summary>
    public static void EnsureAllowed(string service, string path)
    {
        if (ForbiddenTree(path) is { } tree)
        {
            throw new RuntimeFailureException(Resources.Messages.FormatHostPathResolvesForbidden(
                path,
                service,
                Resolve(path),
                tree));
        }
    }

    private static string ResolveExisting(string existing)
    {
        var parts = existing.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var current = "/";
        var hops = 0;
        var queue = new Queue<string>(parts);
        while (queue.TryDequeue(out var part))
        {
            var next = Path.Join(current, part);
            var info = new FileInfo(next);
            if (info.LinkTarget is { } target)
            {
                if (++hops > 40)
                {
                    throw new IOException("too many levels of symbolic links");
                }

                var absolute = Path.IsPathRooted(target) ? target : Path.Join(current, target);
                var rest = queue.ToArray();
                queue = new Queue<string>(absolute.Split('/', StringSplitOptions.RemoveEmptyEntries).Concat(rest));
                current = "/";
                continue;
            }

            current = part == ".." ? Path.GetDirectoryName(current) ?? "/" : part == "." ? current : next;
        }

        return current;
    }

    /// <summary>The forbidden tree the text of <paramref name="path"/> names (no link followed), or null.</summary>
    public static string? LexicalTree(string path)
    {
        var normal = Path.GetFullPath(path).TrimEnd('/');
        if (normal.Length == 0)
        {
            return "/";
        }

        foreach (var tree in ForbiddenTrees)
        {
            if (tree == "/lib*")
            {
                var top = normal.Split('/', StringSplitOptions.RemoveEmptyEntries)[0];
                if (top is "lib" or "lib32" or "lib64" or "libx32")
                {
                    return "/" + top;
                }
            }
            else if (normal == tree || normal.StartsWith(tree + "/", StringComparison.Ordinal))
            {
                return tree;
            }
        }

        return null;
    }
}
