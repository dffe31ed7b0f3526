using System.Diagnostics;
using System.Globalization;
using Portique.Core;

namespace Portique.Technologies.Qemu;

/// <summary>
/// A daemonized qemu, known by its pid file. A pid counts only while <c>/proc/PID</c> is a live (not zombie) process whose
/// command line names that same pid file: a recycled pid never passes for the VM.
/// </summary>
internal static class VmProcess
{
    /// <summary>The live qemu process of <paramref name="pidFile"/>, or null.</summary>
    public static int? Find(string pidFile)
    {
        string text;
        try
        {
            text = File.ReadAllText(pidFile);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        if (!int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid <= 1)
        {
            return null;
        }

        return IsAlive(pid, pidFile) ? pid : null;
    }

    /// <summary>True when the pid is a live process (not a zombie) started with <paramref name="pidFile"/> as an argument: this VM.</summary>
    public static bool IsAlive(int pid, string pidFile) =>
        ProcFs.IsAlive(pid) && ProcFs.Arguments(pid)?.Contains(pidFile, StringComparer.Ordinal) == true;

    /// <summary>Waits until the process is gone, at most <paramref name="timeout"/>; true when it is.</summary>
    public static async Task<bool> WaitForExitAsync(int pid, string pidFile, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (IsAlive(pid, pidFile))
        {
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(100, cancellationToken);
        }

        return true;
    }

    /// <summary>SIGKILL, when it is still this VM.</summary>
    public static void Kill(int pid, string pidFile)
    {
        if (!IsAlive(pid, pidFile))
        {
            return;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Gone in between.
        }
    }
}
