using System.Globalization;

namespace Portique.Technologies.Lxc;

/// <summary>The little of <c>/proc</c> the port proxy needs: is a pid alive, what is its title, who are its children.</summary>
internal static class ProcFs
{
    public static bool IsAlive(int pid)
    {
        var state = ReadStat(pid)?.State;
        return state is not null and not 'Z' and not 'X';
    }

    /// <summary>The process title (nginx rewrites it: <c>nginx: master process ...</c>), or null.</summary>
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
    public static IReadOnlyList<(int Pid, bool ShuttingDown)> NginxWorkers(int master)
    {
        var workers = new List<(int, bool)>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                || ReadStat(pid) is not { } stat || stat.ParentPid != master || stat.State is 'Z' or 'X')
            {
                continue;
            }

            var title = CommandLine(pid);
            if (title is not null && title.StartsWith("nginx: worker process", StringComparison.Ordinal))
            {
                workers.Add((pid, title.Contains("shutting down", StringComparison.Ordinal)));
            }
        }

        return workers;
    }

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
        return fields.Length >= 2 && fields[0].Length == 1
            && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var parent)
            ? (fields[0][0], parent)
            : null;
    }
}
