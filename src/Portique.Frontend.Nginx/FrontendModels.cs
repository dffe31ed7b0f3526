namespace Portique.Frontend.Nginx;

/// <summary>Which nginx serves Portique's files, and which files Portique owns.</summary>
public enum NginxLayout
{
    /// <summary>
    /// A private master of Portique's own (default under any root other than <c>/</c>): Portique writes
    /// <c>ROOT/etc/nginx/nginx.conf</c> (from <c>portique-nginx.conf</c>) and <c>ROOT/etc/nginx/portique/</c>,
    /// and runs <c>nginx -c ROOT/etc/nginx/nginx.conf</c>. Every path that master writes lives under ROOT.
    /// </summary>
    Private,

    /// <summary>
    /// The distribution's nginx (default at <c>/</c>): Debian's <c>/etc/nginx/nginx.conf</c> is never written; Portique
    /// writes <c>/etc/nginx/portique/</c> and <c>/etc/nginx/sites-enabled/portique.conf</c> (one <c>include</c> of
    /// <c>/etc/nginx/portique/*.conf</c>, inside Debian's <c>http</c> block). A desired <c>nginx.conf</c> is ignored.
    /// </summary>
    System,
}

/// <summary>Settings of <see cref="NginxFrontend"/>; every member has a working default.</summary>
public sealed record NginxFrontendOptions
{
    /// <summary>The nginx binary (Debian: <c>/usr/sbin/nginx</c>).</summary>
    public string NginxBinary { get; init; } = "/usr/sbin/nginx";

    /// <summary>Null: <see cref="NginxLayout.System"/> at the root <c>/</c>, <see cref="NginxLayout.Private"/> elsewhere.</summary>
    public NginxLayout? Layout { get; init; }

    /// <summary>Null: the <c>pid</c> directive of the installed main configuration, else nginx's default <c>/run/nginx.pid</c>.</summary>
    public string? PidFile { get; init; }

    /// <summary>Debian's stream module (<c>libnginx-mod-stream</c>), loaded by the test wrapper of <see cref="NginxLayout.System"/>.</summary>
    public string StreamModule { get; init; } = "/usr/lib/nginx/modules/ngx_stream_module.so";

    /// <summary>How long one nginx command (<c>-t</c>, <c>-s</c>, start) may take.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a master may take to come up, to replace its workers after a reload, or to stop.</summary>
    public TimeSpan ProcessTimeout { get; init; } = TimeSpan.FromSeconds(15);
}

/// <summary>
/// What applying a set of desired files would do. Paths are relative to the nginx configuration directory,
/// with <c>/</c> separators (<c>portique/services/conteneur3.conf</c>), sorted ordinally.
/// </summary>
public sealed record FrontendChange(IReadOnlyList<string> Added, IReadOnlyList<string> Changed, IReadOnlyList<string> Removed)
{
    public bool HasChanges => Added.Count > 0 || Changed.Count > 0 || Removed.Count > 0;

    /// <summary>Every path written or removed.</summary>
    public IEnumerable<string> All => Added.Concat(Changed).Concat(Removed);

    /// <summary>Equal when the three lists hold the same paths in the same order.</summary>
    public bool Equals(FrontendChange? other) =>
        other is not null
        && Added.SequenceEqual(other.Added, StringComparer.Ordinal)
        && Changed.SequenceEqual(other.Changed, StringComparer.Ordinal)
        && Removed.SequenceEqual(other.Removed, StringComparer.Ordinal);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var path in All)
        {
            hash.Add(path, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("Added = [").AppendJoin(", ", Added)
            .Append("], Changed = [").AppendJoin(", ", Changed)
            .Append("], Removed = [").AppendJoin(", ", Removed).Append(']');
        return true;
    }
}

/// <summary>What <see cref="NginxFrontend.ApplyAsync"/> did to the running nginx.</summary>
public enum FrontendAction
{
    /// <summary>Nothing changed and the master runs: no file written, no signal sent.</summary>
    None,

    /// <summary>The running master re-read its configuration (graceful: open connections finish on the old workers).</summary>
    Reloaded,

    /// <summary>No master was running (or its pid file was stale): one was started.</summary>
    Started,
}

/// <summary>The outcome of <see cref="NginxFrontend.ApplyAsync"/>.</summary>
public sealed record FrontendResult(FrontendChange Change, FrontendAction Action)
{
    public bool Reloaded => Action == FrontendAction.Reloaded;

    public bool Started => Action == FrontendAction.Started;
}

/// <summary>The self-signed pair used when no certificate is configured; <see cref="Created"/> is false when it already existed.</summary>
public sealed record SelfSignedCertificate(string CertificatePath, string KeyPath, bool Created);

/// <summary>The frontend as the orchestration sees it (implemented by <see cref="NginxFrontend"/>).</summary>
public interface IFrontend
{
    /// <inheritdoc cref="NginxFrontend.PlanAsync"/>
    Task<FrontendChange> PlanAsync(IReadOnlyDictionary<string, string> desiredFiles, CancellationToken cancellationToken);

    /// <inheritdoc cref="NginxFrontend.ApplyAsync"/>
    Task<FrontendResult> ApplyAsync(IReadOnlyDictionary<string, string> desiredFiles, CancellationToken cancellationToken);

    /// <inheritdoc cref="NginxFrontend.EnsureSelfSignedCertificateAsync"/>
    Task<SelfSignedCertificate> EnsureSelfSignedCertificateAsync(string? serverName, CancellationToken cancellationToken);

    /// <inheritdoc cref="NginxFrontend.PublishesStreamPorts"/>
    bool PublishesStreamPorts();

    /// <inheritdoc cref="NginxFrontend.IsRunningAsync"/>
    Task<bool> IsRunningAsync(CancellationToken cancellationToken);

    /// <inheritdoc cref="NginxFrontend.StopAsync"/>
    Task StopAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Desired files (keyed as for <see cref="IFrontend.ApplyAsync"/>) with the same templates rendered once more for safe
/// values (every value that could carry nginx syntax replaced by a plain word). Given this, the frontend refuses, before
/// staging anything, a file whose directives differ in shape from its safe rendering: a value that reached nginx syntax,
/// whatever variable carried it, is stopped even if its type let it through.
/// </summary>
public sealed class TemplatedNginxDictionary(IReadOnlyDictionary<string, string> files, IReadOnlyDictionary<string, string> safeRendering)
    : IReadOnlyDictionary<string, string>
{
    /// <summary>The same keys rendered for safe values.</summary>
    public IReadOnlyDictionary<string, string> SafeRendering { get; } = safeRendering ?? throw new ArgumentNullException(nameof(safeRendering));

    private readonly IReadOnlyDictionary<string, string> _files = files ?? throw new ArgumentNullException(nameof(files));

    public string this[string key] => _files[key];

    public IEnumerable<string> Keys => _files.Keys;

    public IEnumerable<string> Values => _files.Values;

    public int Count => _files.Count;

    public bool ContainsKey(string key) => _files.ContainsKey(key);

    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out string value) => _files.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _files.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
