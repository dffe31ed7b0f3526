using System.Diagnostics;
using CliWrap;
using CliWrap.Buffered;

namespace Portique.Packaging.Tests;

/// <summary>
/// A fresh Debian 12 root extracted from the cached mmdebstrap tarball into a temporary folder. Commands run
/// in it through chroot inside a private mount namespace (with /proc and /dev mounted there), so nothing is
/// left mounted on the host when they end.
/// </summary>
internal sealed class DebianRoot : IDisposable
{
    private DebianRoot(string directory) => Directory = directory;

    public string Directory { get; }

    public static async Task<DebianRoot> ExtractAsync(string tarball, CancellationToken cancellationToken)
    {
        var directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "portique-debian12-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        await Host.RunAsync("tar", ["-xf", tarball, "-C", directory], cancellationToken);
        return new DebianRoot(directory);
    }

    /// <summary>The host path of <paramref name="path"/> inside this root.</summary>
    public string Path(string path) => System.IO.Path.Join(Directory, path);

    /// <summary>Copies a host file into the root at <paramref name="path"/>.</summary>
    public string CopyIn(string hostFile, string path)
    {
        File.Copy(hostFile, Path(path), overwrite: true);
        return path;
    }

    /// <summary>Runs a command in the root; returns its result whatever the exit code.</summary>
    public Task<BufferedCommandResult> RunAsync(IEnumerable<string> command, CancellationToken cancellationToken) =>
        Cli.Wrap("unshare")
            .WithArguments(["--mount", "--propagation", "private", "--", "sh", "-c",
                "r=$1; shift; mount -t proc proc \"$r/proc\" && mount --rbind /dev \"$r/dev\" && exec chroot \"$r\" \"$@\"",
                "sh", Directory, .. command])
            .WithEnvironmentVariables(env => env
                .Set("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
                .Set("DEBIAN_FRONTEND", "noninteractive")
                .Set("LANG", "C.UTF-8")
                .Set("LC_ALL", null)
                .Set("LC_MESSAGES", null))
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(cancellationToken);

    /// <summary>Runs a command in the root and fails the test, with its output, when it does not exit 0.</summary>
    public async Task<BufferedCommandResult> RunCheckedAsync(IEnumerable<string> command, CancellationToken cancellationToken)
    {
        var list = command.ToList();
        var result = await RunAsync(list, cancellationToken);
        Assert.True(result.ExitCode == 0,
            $"'{string.Join(' ', list)}' in the Debian root exited {result.ExitCode}:\n{result.StandardOutput}\n{result.StandardError}");
        return result;
    }

    /// <summary>Installs a package file with dpkg (its Depends must already be in the root); returns how long it took.</summary>
    public async Task<TimeSpan> InstallAsync(string deb, CancellationToken cancellationToken)
    {
        var inside = CopyIn(deb, "/tmp/" + System.IO.Path.GetFileName(deb));
        var clock = Stopwatch.StartNew();
        await RunCheckedAsync(["dpkg", "-i", inside], cancellationToken);
        return clock.Elapsed;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A busy file in a temporary folder: the next boot's /tmp cleanup takes it.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>Commands on the build host.</summary>
internal static class Host
{
    /// <summary>The repository's root (where Portique.sln is).</summary>
    public static string Repository { get; } = FindRepository();

    public static async Task<string> RunAsync(string program, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var list = arguments.ToList();
        BufferedCommandResult result;
        try
        {
            // scripts/... are the repository's; other programs come from PATH.
            result = await Cli.Wrap(program.Contains('/', StringComparison.Ordinal) ? System.IO.Path.Join(Repository, program) : program)
                .WithArguments(list)
                .WithWorkingDirectory(Repository)
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(cancellationToken);
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            Assert.Fail($"'{program}' is missing on this machine ({exception.Message}): run scripts/install-deps.sh --tests");
            throw;
        }

        Assert.True(result.ExitCode == 0,
            $"'{program} {string.Join(' ', list)}' exited {result.ExitCode}:\n{result.StandardOutput}\n{result.StandardError}");
        return result.StandardOutput;
    }

    private static string FindRepository()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "Portique.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Portique.sln not found above " + AppContext.BaseDirectory);
    }
}
