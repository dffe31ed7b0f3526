using Portique.Configuration;
using Portique.Core;
using Portique.Orchestration.Resources;
using Portique.Planning;

namespace Portique.Orchestration;

/// <summary>
/// <c>portique rollback</c>: the current state is snapshotted first (nothing lost), config.eol gets the snapshot's
/// technology, url, tag and repository back (through <see cref="Workspace.Set"/>, under its lock), with
/// <c>--with-data</c> the service is stopped and its host volumes restored byte-identical, then reconfigure converges.
/// </summary>
public static class Rollback
{
    public static async Task<(SnapshotManifest Restored, SnapshotManifest Saved, ReconfigureReport Report)> RunAsync(
        PortiqueServices services, string name, string? snapshotId, bool withData, IProgress<ReconcileEvent> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(progress);
        var snapshot = services.Snapshots.Find(name, snapshotId);
        var configuration = services.Workspace.Evaluate();
        var report = services.Workspace.Validate(configuration);
        var spec = report.Desired.Services.FirstOrDefault(s => s.Name == name)
            ?? throw new InvalidInputException(name, Messages.FormatRollbackNotConfigured(name));
        var fields = new[] { ("type", "technology"), ("url", "url"), ("tag", "tag"), ("repository", "repository") }
            .Select(f => (Variable: $"conteneur{spec.Index}_{f.Item1}", Value: SnapshotSpec.Field(snapshot.SpecJson, f.Item2)))
            .ToArray();
        if (fields.Any(f => f.Value is null))
        {
            throw new InvalidInputException(snapshot.Id, Messages.FormatRollbackNoSpec(snapshot.Id));
        }

        var detail = new SynchronousProgress<string>(line => progress.Report(new ReconcileEvent(EventKind.Detail, name, line)));
        var saved = await services.Snapshots.TakeAsync(
            name, Messages.FormatSnapshotReasonRollback(snapshot.Id), null, spec.CanonicalJson(), spec.Volumes.Select(v => v.HostPath).ToArray(), detail, cancellationToken);
        progress.Report(new ReconcileEvent(EventKind.Detail, name, Messages.FormatSnapshotTaken(saved.Id, saved.Reason)));

        services.Workspace.Set(
            fields.Select(f => new KeyValuePair<string, IReadOnlyList<string>>(f.Variable, f.Value!.Length == 0 ? [] : [f.Value])).ToArray(),
            Owners.Portique,
            cancellationToken: cancellationToken);

        if (withData && snapshot.Volumes.Count > 0)
        {
            // Stopped only for the copy: the reconfigure below starts (or recreates) it on the restored data.
            var (observed, _, _) = await services.Reconciler.ObserveAsync(new DesiredState([spec]), cancellationToken);
            var running = observed.FirstOrDefault(o => o.Name == name && !o.IsAside && o.State == InstanceState.Running);
            if (running is not null && services.Reconciler.DriverFor(running.Technology) is { } owner)
            {
                progress.Report(new ReconcileEvent(EventKind.Step, name, Messages.RollbackStopping));
                await owner.StopAsync(running, cancellationToken);
            }

            await services.Snapshots.RestoreVolumesAsync(snapshot, detail, cancellationToken);
        }

        services.SnapshotBeforeReplace = false;
        var result = await services.Runner.RunAsync(ReconfigureMode.Reconfigure, new ReconfigureOptions(), progress, cancellationToken);
        return (snapshot, saved, result);
    }
}
