using Portique.Core;
using Portique.Orchestration.Resources;

namespace Portique.Orchestration;

/// <summary>
/// One reconfigure at a time per root: an exclusive lock on <c>/var/lib/portique/reconfigure.lock</c>
/// (flock under .NET on Linux, so a killed holder releases it). A second caller waits, saying so, up to a timeout.
/// </summary>
internal sealed class ReconfigureLock : IDisposable
{
    private readonly FileStream _stream;

    private ReconfigureLock(FileStream stream) => this._stream = stream;

    public static async Task<ReconfigureLock> AcquireAsync(
        PortiqueRoot root, TimeSpan timeout, TimeProvider time, Action onWait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(onWait);
        Directory.CreateDirectory(root.StateDirectory);
        var path = Path.Join(root.StateDirectory, "reconfigure.lock");
        var deadline = time.GetUtcNow() + timeout;
        var warned = false;
        while (true)
        {
            try
            {
                return new ReconfigureLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (time.GetUtcNow() < deadline)
            {
                if (!warned)
                {
                    onWait();
                    warned = true;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken);
            }
            catch (IOException e)
            {
                throw new RuntimeFailureException(
                    Messages.FormatLockTimeout(path, timeout.TotalSeconds), e);
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}
