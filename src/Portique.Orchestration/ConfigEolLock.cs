using System.Diagnostics;
using System.Globalization;
using Portique.Core;
using Portique.Orchestration.Resources;

namespace Portique.Orchestration;

/// <summary>
/// One writer of <c>config.eol</c> at a time per root (CLI <c>set</c>, genconfig's save): an exclusive lock on
/// <c>/var/lib/portique/config.eol.lock</c> (flock under .NET on Linux, so a killed holder releases it), held
/// while config.eol is read, validated and written. Who holds it is written next to it, so that a writer that
/// gives up can say whom it waited for.
/// </summary>
internal sealed class ConfigEolLock : IDisposable
{
    /// <summary>How long a writer waits by default: a set or a save takes well under a second.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    private readonly FileStream _stream;
    private readonly string _holderPath;

    private ConfigEolLock(FileStream stream, string holderPath)
    {
        this._stream = stream;
        this._holderPath = holderPath;
    }

    /// <summary>Takes the lock, waiting up to <paramref name="timeout"/>.</summary>
    /// <param name="root">The root whose config.eol is written.</param>
    /// <param name="holder">Who takes it, shown to a writer that waits in vain (e.g. <c>portique set</c>).</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="RuntimeFailureException">Another writer held it for the whole <paramref name="timeout"/>.</exception>
    public static ConfigEolLock Acquire(PortiqueRoot root, string holder, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentException.ThrowIfNullOrEmpty(holder);
        Directory.CreateDirectory(root.StateDirectory);
        var path = Path.Join(root.StateDirectory, "config.eol.lock");
        var holderPath = path + ".holder";
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                try
                {
                    File.WriteAllText(holderPath, string.Create(CultureInfo.InvariantCulture, $"{holder} (pid {Environment.ProcessId}, {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC)"));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Only informative: the lock itself is held.
                }

                return new ConfigEolLock(stream, holderPath);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                cancellationToken.WaitHandle.WaitOne(100);
                cancellationToken.ThrowIfCancellationRequested();
            }
            catch (IOException e)
            {
                throw new RuntimeFailureException(Messages.FormatConfigEolLocked(ReadHolder(holderPath), timeout.TotalSeconds), e);
            }
        }
    }

    public void Dispose()
    {
        try
        {
            File.Delete(_holderPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Debug.WriteLine(e.Message);
        }

        _stream.Dispose();
    }

    private static string ReadHolder(string holderPath)
    {
        try
        {
            return File.ReadAllText(holderPath).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "?";
        }
    }
}
