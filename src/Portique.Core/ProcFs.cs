using System.Globalization;

namespace Portique.Core;

/// <summary>One nginx worker of a master; <see cref="ShuttingDown"/> for a worker finishing after a reload.</summary>
public sealed record NginxWorker(int Pid, bool ShuttingDown);

/// <summary>
/// Every read of <c>/proc</c> (and write of <c>/proc/sys</c>) Portique makes: is a pid alive (zombies are not), its title
/// and arguments, its children, the mount points, one-value files.
/// </summary>
public static class ProcFs
{
    public static bool IsAlive(int pid)
    {
        var state = State(pid);
        return state is not null and not 'Z' and not 'X';
    }

    /// <summary>The process title (nginx rewrites it: <c>nginx: master process /usr/sbin/nginx -c ...</c>), or null.</summary>
    public static string? CommandLine(int pid) => RawCommandLine(pid)?.Replace('\0', ' ').Trim();

    /// <summary>The arguments of the process, program first (<c>/proc/PID/cmdline</c>), or null when it is gone.</summary>
    public static IReadOnlyList<string>? Arguments(int pid) => RawCommandLine(pid)?.Split('\0');

    /// <summary>
    /// The mount points of this process's mount namespace (<c>/proc/self/mountinfo</c>, octal escapes decoded); none
    /// when it cannot be read.
    /// </summary>
    public static IEnumerable<string> MountPoints()
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines("/proc/self/mountinfo");
        }
        catch (IOException)
        {
            yield break;
        }

        foreach (var line in lines)
        {
            var fields = line.Split(' ');
            if (fields.Length > 4)
            {
                yield return System.Text.RegularExpressions.Regex.Replace(
                    fields[4], @"\\([0-7]{3})", m => ((char)Convert.ToInt32(m.Groups[1].Value, 8)).ToString());
            }
        }
    }

    /// <summary>
    /// The value of a one-value file of <c>/proc</c> (<c>/proc/1/comm</c>, <c>/proc/sys/...</c>), trimmed. The path is
    /// an option of the caller (tests point it elsewhere); read failures are the caller's to handle.
    /// </summary>
    public static string ReadValue(string path) => File.ReadAllText(path).Trim();

    /// <summary>Sets a one-value file of <c>/proc/sys</c> (a line, as <c>sysctl -w</c> writes it).</summary>
    public static Task WriteValueAsync(string path, string value, CancellationToken cancellationToken) =>
        File.WriteAllTextAsync(path, value + "\n", cancellationToken);

    private static string? RawCommandLine(int pid)
    {
        try
        {
            var bytes = File.ReadAllBytes($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline");
            return System.Text.Encoding.UTF8.GetString(bytes);
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
