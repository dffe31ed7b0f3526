using System.Globalization;

namespace Portique.Core;

/// <summary>One nginx worker of a master; <see cref="ShuttingDown"/> for a worker finishing after a reload.</summary>
public sealed record NginxWorker(int Pid, bool ShuttingDown);

/// <summary>The little of <c>/proc</c> the nginx adapters (frontend, lxc port proxy) need: is a pid alive, what is its title, who are its children.</summary>
public static class ProcFs
{
    public static bool IsAlive(int pid)
    {
        var state = State(pid);
        return state is not null and not 'Z' and not 'X';
    }

    /// <summary>The process title (nginx rewrites it: <c>nginx: master process /usr/sbin/nginx -c ...</c>), or null.</summary>
    public static string? CommandLine(int pid)
    {
        try
        {
            var bytes = File.ReadAllBytes($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline");
            return System.Text.Encoding.UTF8.GetString(bytes).Replace('\0', ' ').Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The live nginx workers of <paramref name="master"/>, and whether each is finishing after a reload.</summary>
    public static IReadOnlyList<NginxWorker> NginxWorkers(int master)
    {
        var workers = new List<NginxWorker>();
        foreach (var child in Children(master))
        {
            var title = CommandLine(child);
            if (title is not null && title.StartsWith("nginx: worker process", StringComparison.Ordinal) && IsAlive(child))
            {
                workers.Add(new NginxWorker(child, title.Contains("shutting down", StringComparison.Ordinal)));
            }
        }

        return workers;
    }

    /// <summary>The pids whose parent is <paramref name="parent"/>, zombies included.</summary>
    public static IReadOnlyList<int> Children(int parent)
    {
        var children = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            if (ReadStat(pid) is { } stat && stat.ParentPid == parent)
            {
                children.Add(pid);
            }
        }

        return children;
    }

    private static char? State(int pid) => ReadStat(pid)?.State;

    private static (char State, int ParentPid)? ReadStat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // "pid (comm) S ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
        var end = text.LastIndexOf(')');
        if (end < 0)
        {
            return null;
        }

        var fields = text[(end + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 2 || fields[0].Length != 1
            || !int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var parent))
        {
            return null;
        }

        return (fields[0][0], parent);
    }
}
