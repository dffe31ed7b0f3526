using System.ComponentModel;
using System.Globalization;
using CliWrap;
using CliWrap.Buffered;
using Portique.Planning;
using Portique.TestSupport;

namespace Portique.Technologies.Qemu.Tests;

/// <summary>The guest images every qemu test shares, built once per test run (a few seconds), and the qemu tool checks.</summary>
public static class GuestImages
{
    private static readonly Lazy<Task<Built>> Images = new(BuildAllAsync);

    public sealed record Built(string Directory, string V1Raw, string V2Raw, string BrokenRaw, string V1Qcow2, string V1Qcow2AsImg);

    public static Task<Built> GetAsync() => Images.Value;

    private const string Prefix = "portique-qemu-guests-";

    /// <summary>qemu-system-x86_64 and qemu-img run: the tests FAIL (never skip) without them.</summary>
    public static async Task RequireQemuAsync()
    {
        foreach (var (program, package) in new[] { ("qemu-system-x86_64", "qemu-system-x86"), ("qemu-img", "qemu-utils") })
        {
            try
            {
                var result = await Cli.Wrap(program).WithArguments(["--version"]).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
                if (result.ExitCode != 0)
                {
                    Assert.Fail($"{program} --version exited with {result.ExitCode}: {result.StandardError.Trim()}");
                }
            }
            catch (Win32Exception exception)
            {
                Assert.Fail($"{program} cannot be run ({exception.Message}). Install it: apt-get install {package} (scripts/install-deps.sh)");
            }
        }
    }

    private static async Task<Built> BuildAllAsync()
    {
        await RequireQemuAsync();
        RemoveLeftovers();
        var directory = Path.Join(Path.GetTempPath(), Prefix + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(directory);
        var v1 = await TestGuestImage.BuildAsync(directory, "guest-v1.raw", "v1");
        var v2 = await TestGuestImage.BuildAsync(directory, "guest-v2.raw", "v2");
        var broken = await TestGuestImage.BuildAsync(directory, "guest-broken.raw", "broken", GuestBehaviour.PowerOffAtOnce);
        var qcow2 = await TestGuestImage.ConvertToQcow2Async(v1, Path.Join(directory, "guest-v1.qcow2"));
        var qcow2AsImg = await TestGuestImage.ConvertToQcow2Async(v1, Path.Join(directory, "guest-v1q.img"));
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        return new Built(directory, v1, v2, broken, qcow2, qcow2AsImg);
    }

    /// <summary>The image folders of earlier test runs whose process is gone (an exit handler does not always finish).</summary>
    private static void RemoveLeftovers()
    {
        foreach (var directory in Directory.GetDirectories(Path.GetTempPath(), Prefix + "*"))
        {
            var pid = Path.GetFileName(directory)[Prefix.Length..];
            if (int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && !Directory.Exists($"/proc/{id}"))
            {
                try
                {
                    Directory.Delete(directory, recursive: true);
                }
                catch (IOException)
                {
                }
            }
        }
    }
}

public static class QemuTestOptions
{
    /// <summary>Generous: TCG (no usable KVM on this build machine) boots the test guest in 10-30 s on 2 busy cores.</summary>
    public static QemuDriverOptions Default { get; } = new()
    {
        MemoryMegabytes = 256,
        BootTimeout = TimeSpan.FromMinutes(4),
        StartupGrace = TimeSpan.FromSeconds(2),
        HealthPollInterval = TimeSpan.FromMilliseconds(500),
        PowerdownTimeout = TimeSpan.FromSeconds(30),
        QuitTimeout = TimeSpan.FromSeconds(5),
        FollowPollInterval = TimeSpan.FromMilliseconds(100),
    };

    public static ServiceSpec Spec(
        string name,
        string url,
        string tag,
        string repository,
        IReadOnlyList<PortMapping>? ports = null,
        IReadOnlyList<VolumeMapping>? volumes = null,
        IReadOnlyList<string>? environment = null) =>
        TestSpecs.Create(name, QemuModule.Qemu, url, tag, repository, ports, volumes, environment);
}

/// <summary>Stops every VM of a test root, whatever state a failed test left: by the driver, then by pid file.</summary>
public static class QemuCleanup
{
    public static async Task StopEverythingAsync(QemuDriver driver)
    {
        try
        {
            foreach (var instance in await driver.ListOwnedAsync(CancellationToken.None))
            {
                try
                {
                    await driver.RemoveAsync(instance, CancellationToken.None);
                }
                catch (Core.PortiqueException)
                {
                }
            }
        }
        catch (IOException)
        {
        }

        var run = driver.Root.Resolve("/run/portique-qemu");
        if (Directory.Exists(run))
        {
            foreach (var pidFile in Directory.GetFiles(run, "*.pid"))
            {
                if (int.TryParse(File.ReadAllText(pidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                    && File.Exists($"/proc/{pid}/cmdline")
                    && File.ReadAllText($"/proc/{pid}/cmdline").Contains(pidFile, StringComparison.Ordinal))
                {
                    try
                    {
                        using var process = System.Diagnostics.Process.GetProcessById(pid);
                        process.Kill();
                    }
                    catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or Win32Exception)
                    {
                    }
                }
            }
        }
    }
}
