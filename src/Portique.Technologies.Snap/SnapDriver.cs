using System.Collections.Frozen;
using Portique.Core;
using Portique.Planning;

namespace Portique.Technologies.Snap;

/// <summary>
/// Runs <c>snap</c> services: a snap from the store (<c>conteneurN_url</c> its name, <c>conteneurN_tag</c> a channel such
/// as <c>latest/stable</c> or a revision number), installed, refreshed and removed through snapd's REST API on its unix
/// socket. The snap listens where it listens: <c>port_out</c> is that host port, used for routing; nothing is published.
/// Host folders cannot be shared (strict confinement). The environment becomes the snap's settings (<c>snap set</c>).
/// snapd needs systemd; without it <see cref="CheckAvailabilityAsync"/> says so and <c>plan</c> stops.
/// </summary>
internal sealed class SnapDriver : IServiceDriver, IDisposable
{
    private readonly SnapEngine _engine;

    /// <param name="root">The Portique root: the records live under it, and only snaps it recorded are touched.</param>
    /// <param name="options">The socket, timeouts; null: the defaults (<c>/run/snapd.socket</c>).</param>
    public SnapDriver(PortiqueRoot root, SnapDriverOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        Options = options ?? new SnapDriverOptions();
        _engine = new SnapEngine(root, Options);
    }

    public PortiqueRoot Root => _engine.Root;

    public SnapDriverOptions Options { get; }

    public IReadOnlySet<Technology> Technologies { get; } = new[] { SnapModule.Snap }.ToFrozenSet();

    public Task<string?> CheckAvailabilityAsync(CancellationToken cancellationToken) => _engine.CheckSnapdAsync(cancellationToken);

    public Task<IReadOnlyList<ObservedService>> ListOwnedAsync(CancellationToken cancellationToken) =>
        _engine.ListOwnedAsync(SnapModule.Snap, cancellationToken);

    public Task<string?> FindForeignHolderAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult(_engine.FindForeignHolder(name));

    /// <summary>
    /// Checks with snapd that the store knows the snap (<c>/v2/find</c>), so a typo fails before anything changes, and
    /// returns <c>snap:NAME@CHANNEL</c>. snapd downloads at install time, and keeps a channel's snap up to date on its
    /// own schedule: <paramref name="refresh"/> changes nothing. A service already running that snap on that channel is
    /// not checked again (no store needed).
    /// </summary>
    public async Task<string> FetchAsync(ServiceSpec spec, bool refresh, IProgress<string> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(progress);
        EnsureTechnology(spec);
        SnapEngine.Validate(spec);
        if (!SnapEngine.IsChannelOrRevision(spec.Tag))
        {
            throw new InvalidInputException(spec.Name, Messages.FormatInvalidChannel(spec.Tag));
        }

        var artifact = "snap:" + spec.Url + "@" + spec.Tag;
        if (_engine.Records.Read(spec.Name, aside: false) is { } record && record.ArtifactId == artifact
            && await _engine.FindInstalledAsync(spec.Url, cancellationToken) is not null)
        {
            return artifact;
        }

        try
        {
            await _engine.Client.GetAsync("/v2/find?name=" + spec.Url, cancellationToken);
        }
        catch (SnapdErrorException exception) when (exception.StatusCode == 404 || exception.Kind == "snap-not-found")
        {
            throw new RuntimeFailureException(Messages.FormatSnapNotInStore(spec.Url), exception);
        }

        progress.Report(Messages.FormatSnapFound(spec.Url, spec.Tag));
        return artifact;
    }

    public Task<ObservedService> CreateAsync(ServiceSpec spec, string artifactId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentException.ThrowIfNullOrEmpty(artifactId);
        EnsureTechnology(spec);
        if (!SnapEngine.IsChannelOrRevision(spec.Tag))
        {
            throw new InvalidInputException(spec.Name, Messages.FormatInvalidChannel(spec.Tag));
        }

        return _engine.CreateAsync(spec, artifactId, SnapSource.FromTag(spec.Tag), cancellationToken);
    }

    public Task StartAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return _engine.StartAsync(instance, cancellationToken);
    }

    /// <summary>Uninstalls the snap (snapd keeps its automatic data snapshot), or hands a shared snap back (see <see cref="SnapEngine"/>).</summary>
    public Task RemoveAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return _engine.RemoveAsync(instance, cancellationToken);
    }

    public LifecycleOptions Lifecycle => _engine.Lifecycle;

    public Task StopAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return _engine.StopAsync(instance, cancellationToken);
    }

    public Task<ObservedService> RenameAsync(ObservedService instance, bool aside, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return _engine.RenameAsync(instance, aside, cancellationToken);
    }

    public Task<InstanceObservation> ObserveAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return _engine.ObserveAsync(instance, cancellationToken);
    }

    public IAsyncEnumerable<LogLine> OpenLogAsync(string name, LogRequest request, CancellationToken cancellationToken) =>
        _engine.OpenLogAsync(name, request, cancellationToken);

    public void Dispose() => _engine.Dispose();

    private void EnsureTechnology(ServiceSpec spec)
    {
        if (!Technologies.Contains(spec.Technology))
        {
            throw new RuntimeFailureException(Messages.FormatUnsupportedTechnology("snap", spec.Technology.Name));
        }
    }
}
