namespace Portique.Orchestration;

/// <summary>
/// Where each service's name points during one run (docs/replacement.md): the address of the instance serving it,
/// moved by each switch of a replacement without interruption. Switches take turns: each writes the whole DNS
/// configuration and the whole frontend from <see cref="Snapshot"/>.
/// </summary>
internal sealed class Routes(IReadOnlyDictionary<string, string> initial) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _addresses = new(initial, StringComparer.Ordinal);
    private readonly SemaphoreSlim _turn = new(1, 1);

    /// <summary>The routes now, as a copy.</summary>
    public IReadOnlyDictionary<string, string> Snapshot()
    {
        lock (_gate)
        {
            return new Dictionary<string, string>(_addresses, StringComparer.Ordinal);
        }
    }

    /// <summary>Points <paramref name="name"/> at <paramref name="address"/>.</summary>
    public void Point(string name, string address)
    {
        lock (_gate)
        {
            _addresses[name] = address;
        }
    }

    /// <summary>Waits for the previous switch to finish; disposing the result lets the next one go.</summary>
    public async Task<IDisposable> TakeTurnAsync(CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken);
        return new Turn(_turn);
    }

    public void Dispose() => _turn.Dispose();

    private sealed class Turn(SemaphoreSlim turn) : IDisposable
    {
        public void Dispose() => turn.Release();
    }
}
