using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Portique.Core;
using Portique.Planning;

namespace Portique.Technologies.Lxc;

/// <summary>One published port: <see cref="Listen"/>:<see cref="HostPort"/> on the host to the container's address.</summary>
internal sealed record ProxyEntry(string Service, IPAddress Listen, int HostPort, string Upstream, int ContainerPort)
{
    public string ListenText => (Listen.AddressFamily == AddressFamily.InterNetworkV6 ? "[" + Listen + "]" : Listen.ToString())
        + ":" + HostPort.ToString(CultureInfo.InvariantCulture);

    public string ServerLine => $"    server {{ listen {ListenText}; proxy_pass {Upstream}:{ContainerPort.ToString(CultureInfo.InvariantCulture)}; }}";
}

/// <summary>
/// A small private nginx master per root, <c>stream</c> module only, that publishes the lxc containers' ports on the
/// host (lxc has no port publishing of its own). Its configuration, pid and error log live in
/// <c>STATE/lxc-proxy/</c>. Every change is tested (<c>nginx -t</c>) before it is installed, applied by a reload that
/// must replace the workers (a reload nginx refuses, e.g. a port taken meanwhile, puts the previous file back), and
/// the master stops when no port is left to publish.
/// </summary>
internal sealed class StreamProxy(string directory, LxcDriverOptions options)
{
    private static readonly IHostProbe Probe = new SocketHostProbe();

    public string Directory { get; } = directory;

    public string ConfigPath => Path.Join(Directory, "nginx.conf");

    private string CandidatePath => Path.Join(Directory, "nginx.conf.new");

    private string PidPath => Path.Join(Directory, "nginx.pid");

    private string ErrorLogPath => Path.Join(Directory, "error.log");

    private string Prefix => Directory.TrimEnd('/') + "/";

    public string Render(IReadOnlyList<ProxyEntry> entries)
    {
        var text = new StringBuilder();
        text.Append("# Written by Portique (lxc driver): the published ports of this root's lxc containers. Regenerated on every change.\n");
        text.Append("load_module ").Append(Validation.SafeStatePath(options.StreamModule)).Append(";\n");
        text.Append("pid ").Append(Validation.SafeStatePath(PidPath)).Append(";\n");
        text.Append("error_log ").Append(Validation.SafeStatePath(ErrorLogPath)).Append(" warn;\n");
        text.Append("worker_processes 1;\n\nevents {\n    worker_connections 1024;\n}\n\nstream {\n");
        foreach (var entry in entries.OrderBy(e => e.HostPort).ThenBy(e => e.ListenText, StringComparer.Ordinal))
        {
            Validation.ServiceName(entry.Service);
            text.Append("    # ").Append(entry.Service).Append('\n').Append(entry.ServerLine).Append('\n');
        }

        text.Append("}\n");
        return text.ToString();
    }

    /// <summary>The live master's pid: the pid file names a live nginx master started on this configuration.</summary>
    public int? FindMaster()
    {
        try
        {
            if (!File.Exists(PidPath)
                || !int.TryParse(File.ReadAllText(PidPath).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                || pid <= 0 || !ProcFs.IsAlive(pid))
            {
                return null;
            }

            var title = ProcFs.CommandLine(pid);
            return title is not null && title.StartsWith("nginx: master process", StringComparison.Ordinal)
                && title.Contains(ConfigPath, StringComparison.Ordinal)
                ? pid
                : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>True when the master runs and its configuration publishes every one of <paramref name="entries"/>.</summary>
    public bool Serves(IEnumerable<ProxyEntry> entries)
    {
        var wanted = entries.ToList();
        if (wanted.Count == 0)
        {
            return true;
        }

        if (FindMaster() is null || !File.Exists(ConfigPath))
        {
            return false;
        }

        var lines = File.ReadAllLines(ConfigPath).ToHashSet(StringComparer.Ordinal);
        return wanted.All(e => lines.Contains(e.ServerLine));
    }

    /// <summary>Makes the master publish exactly <paramref name="entries"/> (none: the master stops).</summary>
    public async Task ApplyAsync(IReadOnlyList<ProxyEntry> entries, CancellationToken cancellationToken)
    {
        var master = FindMaster();
        if (entries.Count == 0)
        {
            if (master is not null)
            {
                await StopAsync(cancellationToken);
            }

            if (File.Exists(ConfigPath))
            {
                File.Delete(ConfigPath);
            }

            return;
        }

        var text = Render(entries);
        var previous = File.Exists(ConfigPath) ? await File.ReadAllTextAsync(ConfigPath, cancellationToken) : null;
        if (master is not null && previous == text)
        {
            return;
        }

        // A port another program holds would make nginx refuse the whole change: name it before touching anything.
        var served = master is not null && previous is not null
            ? previous.Split('\n').ToHashSet(StringComparer.Ordinal)
            : [];
        foreach (var entry in entries.Where(e => !served.Contains(e.ServerLine)))
        {
            if (!Probe.IsPortFree(entry.Listen.ToString(), entry.HostPort))
            {
                throw new RuntimeFailureException(Messages.FormatPortInUse(entry.Service, entry.ListenText));
            }
        }

        System.IO.Directory.CreateDirectory(Directory);
        await AtomicFile.WriteTextAsync(CandidatePath, text, AtomicFile.GroupReadableMode, cancellationToken);
        var test = await NginxAsync(["-t", "-q", "-c", CandidatePath], cancellationToken);
        File.Delete(CandidatePath);
        if (!test.Succeeded)
        {
            throw new RuntimeFailureException(Messages.FormatProxyRejected(test.Detail));
        }

        await AtomicFile.WriteTextAsync(ConfigPath, text, AtomicFile.GroupReadableMode, cancellationToken);
        try
        {
            if (master is int pid)
            {
                await ReloadAsync(pid, cancellationToken);
            }
            else
            {
                await StartAsync(cancellationToken);
            }
        }
        catch (RuntimeFailureException)
        {
            if (previous is not null && FindMaster() is int still)
            {
                await AtomicFile.WriteTextAsync(ConfigPath, previous, AtomicFile.GroupReadableMode, CancellationToken.None);
                await TryAsync(() => ReloadAsync(still, CancellationToken.None));
            }

            throw;
        }
    }

    /// <summary>Stops the master (gracefully, then not) when it runs.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (FindMaster() is not int pid)
        {
            return;
        }

        foreach (var signal in new[] { "quit", "stop" })
        {
            await NginxAsync(["-s", signal, "-c", ConfigPath], cancellationToken);
            if (await WaitUntilAsync(() => !ProcFs.IsAlive(pid), cancellationToken))
            {
                File.Delete(PidPath);
                return;
            }
        }

        throw new RuntimeFailureException(Messages.FormatProxyStopFailed(pid, Tool.Seconds(options.ProxyTimeout)));
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        File.Delete(PidPath);
        var offset = ErrorLogLength();
        var start = await NginxAsync(["-c", ConfigPath], cancellationToken);
        if (!start.Succeeded)
        {
            throw new RuntimeFailureException(Messages.FormatProxyStartFailed(start.Detail));
        }

        if (!await WaitUntilAsync(() => FindMaster() is int pid && ProcFs.NginxWorkers(pid).Any(w => !w.ShuttingDown), cancellationToken))
        {
            throw new RuntimeFailureException(Messages.FormatProxyStartFailed(NewErrors(offset) ?? Messages.FormatSeeLog(ErrorLogPath)));
        }
    }

    private async Task ReloadAsync(int master, CancellationToken cancellationToken)
    {
        var before = ProcFs.NginxWorkers(master).Select(w => w.Pid).ToHashSet();
        var offset = ErrorLogLength();
        var reload = await NginxAsync(["-s", "reload", "-c", ConfigPath], cancellationToken);
        if (!reload.Succeeded)
        {
            throw new RuntimeFailureException(Messages.FormatProxyReloadFailed(reload.Detail));
        }

        string? refusal = null;
        var replaced = await WaitUntilAsync(
            () =>
            {
                var serving = ProcFs.NginxWorkers(master).Where(w => !w.ShuttingDown).ToList();
                if (serving.Count > 0 && serving.All(w => !before.Contains(w.Pid)))
                {
                    return true;
                }

                refusal ??= NewErrors(offset);
                return refusal is not null || !ProcFs.IsAlive(master);
            },
            cancellationToken);
        if (!replaced || refusal is not null || !ProcFs.IsAlive(master))
        {
            throw new RuntimeFailureException(Messages.FormatProxyReloadFailed(refusal ?? Messages.FormatSeeLog(ErrorLogPath)));
        }
    }

    private async Task<ToolResult> NginxAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        if (!File.Exists(options.NginxExecutable))
        {
            throw new RuntimeFailureException(Messages.FormatNginxMissing(options.NginxExecutable));
        }

        // -p: relative paths resolve here; -e: the log nginx writes before it has read the configuration.
        return await Tool.RunAsync(options.NginxExecutable, ["-p", Prefix, "-e", ErrorLogPath, .. arguments], options.CommandTimeout, LxcDriver.ToolMessages, cancellationToken);
    }

    private long ErrorLogLength()
    {
        try
        {
            return File.Exists(ErrorLogPath) ? new FileInfo(ErrorLogPath).Length : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>The first [emerg]/[alert]/[crit] line nginx logged past <paramref name="offset"/>, or null.</summary>
    private string? NewErrors(long offset)
    {
        try
        {
            if (!File.Exists(ErrorLogPath))
            {
                return null;
            }

            using var stream = File.Open(ErrorLogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (stream.Length <= offset)
            {
                return null;
            }

            stream.Seek(offset, SeekOrigin.Begin);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var text = reader.ReadToEnd();
            return text.Split('\n').FirstOrDefault(l => l.Contains("[emerg]", StringComparison.Ordinal)
                || l.Contains("[alert]", StringComparison.Ordinal) || l.Contains("[crit]", StringComparison.Ordinal))?.Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }

    private async Task<bool> WaitUntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > options.ProxyTimeout)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(25), cancellationToken);
        }

        return true;
    }

    private static async Task TryAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (RuntimeFailureException)
        {
            // The first failure is the one to report.
        }
    }
}
