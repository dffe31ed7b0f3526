using Portique.Configuration;
using Portique.Core;
using Portique.Orchestration.Resources;
using Portique.Planning;

namespace Portique.Orchestration;

/// <summary>
/// <c>portique rollback</c>, under the reconfigure lock from its first step to its last (docs/snapshots.md): checks
/// first (the service, the snapshot, the configuration it leads to, with <c>--with-data</c> every archive's sha256:
/// exit 2 or 1, nothing changed); with <c>--with-data</c> stops the service; snapshots the current state (so a rollback
/// can itself be undone); puts the snapshot's technology, url, tag and repository back in config.eol (through
/// <see cref="Workspace.Set"/>); with <c>--with-data</c> restores the volumes; then reconfigures. When the restore or the
/// reconfigure fails, config.eol and the volumes are put back as they were and the service started again.
/// </summary>
public static class Rollback
{
    public static async Task<(SnapshotManifest Restored, SnapshotManifest Saved, ReconfigureReport Report)> RunAsync(
        PortiqueServices services, string name, string? snapshotId, bool withData, IProgress<ReconcileEvent> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(progress);
        SnapshotStore.ValidateName(name, "NAME");
        var options = new ReconfigureOptions();
        using var held = await services.Runner.AcquireLockAsync(options, progress, cancellationToken);
        var detail = new SynchronousProgress<string>(line => progress.Report(new ReconcileEvent(EventKind.Detail, name, line)));

        var snapshot = services.Snapshots.Find(name, snapshotId);
        // Taking the new snapshot below may prune old ones: never the one being restored.
        using var pin = services.Snapshots.Pin(name, snapshot.Id);
        var configuration = services.Workspace.Evaluate();
        var report = services.Workspace.Validate(configuration);
        if (report.Problems.Count > 0)
        {
            throw new ConfigurationInvalidException(report.Problems);
        }

        var spec = report.Desired.Services.FirstOrDefault(s => s.Name == name)
            ?? throw new InvalidInputException(name, Messages.FormatRollbackNotConfigured(name));
        var target = snapshot.Spec() ?? throw new InvalidInputException(snapshot.Id, Messages.FormatRollbackNoSpec(snapshot.Id));
        var assignments = VersionOf(spec.Index, target);
        var (_, _, refused) = services.Workspace.Check(configuration, assignments, Owners.Portique);
        if (refused.Count > 0)
        {
            throw new ConfigurationInvalidException(refused);
        }

        var restoreData = withData && snapshot.Volumes.Count > 0;
        if (restoreData)
        {
            progress.Report(new ReconcileEvent(EventKind.Step, name, Messages.FormatRollbackVerifying(snapshot.Id)));
            await services.Snapshots.VerifyAsync(snapshot, detail, cancellationToken);
        }

        var (observed, problems, _) = await services.Reconciler.ObserveAsync(new DesiredState([spec]), cancellationToken);
        if (problems.Count > 0)
        {
            throw new PreflightException(problems);
        }

        var current = observed.FirstOrDefault(o => o.Name == name && !o.IsAside);
        var owner = current is null ? null : services.Reconciler.DriverFor(current.Technology);
        var stopped = false;
        SnapshotManifest saved;
        try
        {
            if (restoreData && current is { State: InstanceState.Running } && owner is not null)
            {
                // Stopped only for the data: the copy below is consistent, the restore writes under no running process.
                progress.Report(new ReconcileEvent(EventKind.Step, name, Messages.RollbackStopping));
                await owner.StopAsync(current, cancellationToken);
                stopped = true;
            }

            progress.Report(new ReconcileEvent(EventKind.Step, name, Messages.RollbackSaving));
            // The directories the restore overwrites, as they are now; without --with-data the data is not touched.
            var hostPaths = restoreData ? snapshot.Volumes.Select(v => v.HostPath).ToArray() : [];
            saved = await services.Snapshots.TakeAsync(
                name, Messages.FormatSnapshotReasonRollback(snapshot.Id), current?.ArtifactId, current?.SpecJson ?? spec.CanonicalJson(), hostPaths, detail, cancellationToken);
            progress.Report(new ReconcileEvent(EventKind.Detail, name, Messages.FormatSnapshotTaken(saved.Id, saved.Reason)));
        }
        catch (PortiqueException) when (stopped)
        {
            await RestartAsync(owner!, current!, progress);
            throw;
        }

        // The replacement below needs no snapshot of its own: the one just taken holds the state it leaves. Set back
        // before the lock is released: a long-lived PortiqueServices (genconfig) snapshots its next replacements.
        var snapshotBeforeReplace = services.SnapshotBeforeReplace;
        services.SnapshotBeforeReplace = false;
        try
        {
            ReconfigureReport result;
            try
            {
                progress.Report(new ReconcileEvent(EventKind.Step, name, Messages.FormatRollbackConfig(Describe(target))));
                services.Workspace.Set(assignments, Owners.Portique, cancellationToken: cancellationToken);
                if (restoreData)
                {
                    await services.Snapshots.RestoreVerifiedAsync(snapshot, detail, cancellationToken);
                }

                result = await services.Runner.RunLockedAsync(ReconfigureMode.Reconfigure, options, progress, cancellationToken);
            }
            catch (PortiqueException failure)
            {
                await UndoAsync(services, name, VersionOf(spec.Index, spec), saved, restoreData, options, progress, failure.Message);
                throw;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl+C, SIGTERM: the run gave the previous instance its name back; config.eol and the data follow it,
                // or the next reconfigure would replace it again with the version the administrator interrupted.
                await UndoAsync(services, name, VersionOf(spec.Index, spec), saved, restoreData, options, progress, Messages.RollbackInterrupted);
                throw;
            }

            if (result.Services.Outcomes.Any(o => o.Name == name && !o.Succeeded))
            {
                var why = string.Join("; ", result.Services.Outcomes.Where(o => o.Name == name).Select(o => o.Message));
                await UndoAsync(services, name, VersionOf(spec.Index, spec), saved, restoreData, options, progress, why);
            }

            return (snapshot, saved, result);
        }
        finally
        {
            services.SnapshotBeforeReplace = snapshotBeforeReplace;
        }
    }

    /// <summary>The variables that name a service's version: technology, url, tag, repository.</summary>
    private static KeyValuePair<string, IReadOnlyList<string>>[] VersionOf(int index, ServiceSpec spec) =>
    [
        Assignment(index, "type", spec.Technology.Name),
        Assignment(index, "url", spec.Url),
        Assignment(index, "tag", spec.Tag),
        Assignment(index, "repository", spec.Repository),
    ];

    private static KeyValuePair<string, IReadOnlyList<string>> Assignment(int index, string suffix, string value) =>
        new($"conteneur{index.ToString(System.Globalization.CultureInfo.InvariantCulture)}_{suffix}", value.Length == 0 ? [] : [value]);

    private static string Describe(ServiceSpec spec) =>
        $"{spec.Technology.Name} {(spec.Repository.Length > 0 && spec.Technology.Name != "docker+git" ? spec.Repository + "/" : "")}{spec.Url}:{spec.Tag}";

    /// <summary>
    /// After a failed restore or reconfigure: config.eol gets the version it had, the volumes the content they had (from
    /// the snapshot just taken, the service stopped for it), and a reconfigure brings that back. Not cancellable: it is
    /// what makes the failure leave things as they were. A failure here is said, with the snapshot to restore by hand.
    /// </summary>
    private static async Task UndoAsync(
        PortiqueServices services, string name, KeyValuePair<string, IReadOnlyList<string>>[] previous, SnapshotManifest saved, bool data,
        ReconfigureOptions options, IProgress<ReconcileEvent> progress, string why)
    {
        progress.Report(new ReconcileEvent(EventKind.Warning, name, Messages.FormatRollbackUndoing(why)));
        try
        {
            services.Workspace.Set(previous, Owners.Portique);
            if (data)
            {
                var spec = services.Workspace.Validate(services.Workspace.Evaluate()).Desired.Services.First(s => s.Name == name);
                var (observed, _, _) = await services.Reconciler.ObserveAsync(new DesiredState([spec]), CancellationToken.None);
                foreach (var instance in observed.Where(o => o.Name == name && o.State == InstanceState.Running))
                {
                    if (services.Reconciler.DriverFor(instance.Technology) is { } driver)
                    {
                        await driver.StopAsync(instance, CancellationToken.None);
                    }
                }

                await services.Snapshots.RestoreVolumesAsync(saved, new SynchronousProgress<string>(line => progress.Report(new ReconcileEvent(EventKind.Detail, name, line))), CancellationToken.None);
            }

            await services.Runner.RunLockedAsync(ReconfigureMode.Reconfigure, options, progress, CancellationToken.None);
        }
        catch (PortiqueException e)
        {
            progress.Report(new ReconcileEvent(EventKind.Error, name, Messages.FormatRollbackUndoFailed(e.Message, name, saved.Id)));
        }
    }

    private static async Task RestartAsync(IServiceDriver driver, ObservedService instance, IProgress<ReconcileEvent> progress)
    {
        try
        {
            await driver.StartAsync(instance, CancellationToken.None);
        }
        catch (PortiqueException e)
        {
            progress.Report(new ReconcileEvent(EventKind.Error, instance.Name, e.Message));
        }
    }
}
