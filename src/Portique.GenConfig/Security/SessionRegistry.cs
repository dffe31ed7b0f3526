using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Portique.GenConfig;

/// <summary>
/// The sessions genconfig opened and has not closed. A cookie carries its session's id; a logout (or a restart of
/// genconfig) ends the session here, so the same cookie replayed afterwards is refused even though its signature is valid.
/// </summary>
internal sealed class SessionRegistry
{
    private readonly ConcurrentDictionary<string, byte> _live = new(StringComparer.Ordinal);

    /// <summary>A new session's id (128 random bits).</summary>
    public string Open()
    {
        var id = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        _live[id] = 0;
        return id;
    }

    public bool IsOpen(string? id) => id is not null && _live.ContainsKey(id);

    public void Close(string? id)
    {
        if (id is not null)
        {
            _live.TryRemove(id, out _);
        }
    }
}
