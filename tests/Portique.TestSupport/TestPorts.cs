namespace Portique.TestSupport;

/// <summary>
/// Host ports for tests, reserved machine-wide until the test process ends. Test projects run in parallel and use
/// their ports minutes after picking them, so "bind port 0, read it, release it" is not enough: another process (or
/// the kernel, for an outgoing connection) could take the port in between. Ports come from 20000-32767, below the
/// kernel's ephemeral range (32768-60999 here), so no outgoing connection is ever given one; each handed-out port
/// holds an exclusive lock on <c>/tmp/portique-test-ports/PORT.lock</c> for the life of the process (released by the
/// kernel even on a crash), and another test process skips a locked port.
/// </summary>
public static class TestPorts
{
    private const int First = 20000;
    private const int Count = 12768;
    private static readonly string Folder = Path.Join(Path.GetTempPath(), "portique-test-ports");
    private static readonly List<FileStream> Reservations = [];
    private static int _next = Random.Shared.Next(Count);

    /// <summary>A port nothing listens on at 127.0.0.1 or 0.0.0.0, reserved for this test process only.</summary>
    public static int FreePort()
    {
        Directory.CreateDirectory(Folder);
        lock (Reservations)
        {
            for (var tried = 0; tried < Count; tried++)
            {
                var port = First + (_next++ % Count);
                if (TryReserve(port) is { } reservation)
                {
                    if (IsFree(port))
                    {
                        Reservations.Add(reservation);
                        return port;
                    }

                    reservation.Dispose();
                }
            }
        }

        throw new InvalidOperationException($"no free test port in {First}-{First + Count - 1}");
    }

    private static FileStream? TryReserve(int port)
    {
        try
        {
            // FileShare.None takes an exclusive flock: another process's attempt fails at once.
            return new FileStream(Path.Join(Folder, port + ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Free on every address: the probe Portique's own preflight uses.</summary>
    private static bool IsFree(int port) => new Portique.Planning.SocketHostProbe().IsPortFree("0.0.0.0", port);
}
