using Portique.Core;
using Portique.Planning.Resources;

namespace Portique.Planning;

public sealed record ReconcilerOptions
{
    /// <summary>How long a new instance has to become healthy before it is rolled back.</summary>
    public TimeSpan HealthTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan HealthPollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Log lines kept in a failure report.</summary>
    public int LogTailLines { get; init; } = 20;

    /// <summary>
    /// Whether an engine that no configured service needs, and that does not answer, is worth a warning
    /// (<c>status</c>: yes; <c>reconfigure</c>: no, a host without snapd would warn on every run).
    /// </summary>
    public bool ReportUnusedEngines { get; init; }

    /// <summary>
    /// Services changed at once, all engines together; each engine also keeps to its own
    /// <see cref="IServiceDriver.ConcurrentChanges"/>. Each service's steps stay in order.
    /// </summary>
    public int MaxParallelism { get; init; } = 32;

    /// <summary>
    /// The technologies this root has ever created instances with; null: ask every engine on every run.
    /// </summary>
    public IEngineLedger? Ledger { get; init; }

    /// <summary>
    /// How long a replacement interrupted by cancellation (Ctrl+C, SIGTERM) may take to roll back: remove the new
    /// instance, give the old one its name back and start it. Longer than the engines' stop timeout (10 s); the CLI
    /// waits <see cref="InterruptGrace"/> plus a margin before it exits.
    /// </summary>
    public TimeSpan InterruptGrace { get; init; } = TimeSpan.FromSeconds(45);

    /// <summary>
    /// Runs once the instance about to be replaced is stopped and set aside, before its successor is created (the
    /// snapshot of docs/snapshots.md); a <see cref="PortiqueException"/> stops that service's replacement: the previous
    /// instance is restored and keeps serving.
    /// </summary>
    public Func<PlannedAction, IProgress<string>, CancellationToken, Task>? BeforeReplaceAsync { get; init; }

    /// <summary>
    /// Runs once a new instance exists, before its readiness is waited for, with the spec it was made from (its
    /// <see cref="ServiceSpec.Address"/> the one the instance holds): the host forgets that address's previous MAC,
    /// which it kept sending to for up to a minute after a replacement, the new instance long listening.
    /// </summary>
    public Func<ServiceSpec, CancellationToken, Task>? InstanceCreatedAsync { get; init; }

    /// <summary>
    /// How long the old instance keeps running once nothing new is sent to it (after the switch): requests and
    /// connections already open to it finish. It then gets its stop timeout (<c>conteneurN_delai_arret</c>) on top.
    /// A service's own <c>conteneurN_delai_vidange</c> (<see cref="ServiceSpec.DrainSeconds"/>) takes precedence.
    /// </summary>
    public TimeSpan DrainPeriod { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>Raised before anything changes when the host is not fit for the plan (ports, names, engines).</summary>
public sealed class PreflightException(IReadOnlyList<Diagnostic> problems)
    : RuntimeFailureException(string.Join(Environment.NewLine, problems))
{
    public IReadOnlyList<Diagnostic> Problems { get; } = problems;
}

/// <summary>
/// Makes the engines match the desired state: observe, plan, check the host, fetch, then change one
/// service at a time. A replaced instance is set aside (stopped, renamed) until its successor is healthy,
/// and restored when it is not, so a failure never leaves less running than before.
/// </summary>
public sealed class Reconciler
{
    private readonly IReadOnlyList<IServiceDriver> _drivers;
    private readonly IHostProbe _probe;
    private readonly ReconcilerOptions _options;
    private readonly TimeProvider _time;

    public Reconciler(IReadOnlyList<IServiceDriver> drivers, IHostProbe probe, ReconcilerOptions? options = null, TimeProvider? time = null)
    {
        this._drivers = drivers;
        this._probe = probe;
        this._options = options ?? new ReconcilerOptions();
        this._time = time ?? TimeProvider.System;
    }

    /// <summary>
    /// Every driver forgets what it made for the private network (<see cref="IServiceDriver.LeavePrivateNetworkAsync"/>);
    /// returns what could not be removed, one message per driver (nothing: all is gone).
    /// </summary>
    public async Task<IReadOnlyList<string>> LeavePrivateNetworkAsync(CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        foreach (var driver in _drivers)
        {
            try
            {
                await driver.LeavePrivateNetworkAsync(cancellationToken);
            }
            catch (PortiqueException e)
            {
                failures.Add(e.Message);
            }
        }

        return failures;
    }

    /// <summary>Every engine's networks besides the root's own (<see cref="IServiceDriver.ListEngineNetworksAsync"/>), once each (swarm, vagrant and docker share a dockerd).</summary>
    public async Task<IReadOnlyList<EngineNetwork>> ListEngineNetworksAsync(CancellationToken cancellationToken)
    {
        var networks = new List<EngineNetwork>();
        foreach (var driver in _drivers)
        {
            try
            {
                networks.AddRange(await driver.ListEngineNetworksAsync(cancellationToken));
            }
            catch (PortiqueException)
            {
                // An engine that does not answer declares nothing here; its own preflight says why when it is needed.
            }
        }

        return networks.Distinct().ToArray();
    }

    /// <summary>The driver for a technology, or null when Portique has none on this build.</summary>
    public IServiceDriver? DriverFor(Technology technology) => _drivers.FirstOrDefault(d => d.Technologies.Contains(technology));

    /// <summary>
    /// Lets the engines this root used connect (<see cref="IServiceDriver.ConnectAheadAsync"/>) on the thread pool while
    /// the caller validates and renders; <see cref="ObserveAsync"/> then finds them ready.
    /// </summary>
    public void ConnectAhead(CancellationToken cancellationToken)
    {
        if (_options.Ledger?.UsedTechnologies() is not { } used)
        {
            return;
        }

        foreach (var driver in _drivers.Where(d => d.Technologies.Overlaps(used)))
        {
            _ = Task.Run(() => driver.ConnectAheadAsync(cancellationToken), cancellationToken);
        }
    }

    /// <summary>
    /// Everything this root owns in every engine that answers. Engines that the desired state needs must answer
    /// (else a preflight problem); others that do not answer are skipped with a warning.
    /// </summary>
    public async Task<(IReadOnlyList<ObservedService> Observed, IReadOnlyList<Diagnostic> Problems, IReadOnlyList<string> Warnings)> ObserveAsync(
        DesiredState desired, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(desired);
        var observed = new List<ObservedService>();
        var problems = new List<Diagnostic>();
        var warnings = new List<string>();
        var needed = desired.Services.GroupBy(s => s.Technology).ToDictionary(g => g.Key, g => g.Select(s => s.Name).ToList());

        foreach (var technology in needed.Keys.Where(t => DriverFor(t) is null))
        {
            foreach (var name in needed[technology])
            {
                problems.Add(new Diagnostic(name, Messages.FormatTechnologyNotSupported(technology.Name)));
            }
        }

        var used = _options.Ledger?.UsedTechnologies();
        // Every engine is asked at once (podman, lxc and qemu answer through programs that each take a while to start);
        // the answers are read in the drivers' order, so problems, warnings and the failure reported are those of
        // asking one after the other.
        var asked = _drivers.Select(driver => AskAsync(driver, needed, used, cancellationToken)).ToArray();
        try
        {
            await Task.WhenAll(asked);
        }
        catch (Exception) when (asked.All(task => task.IsCompleted))
        {
            // Every engine has answered: the first failure in the drivers' order is thrown below, none is left running.
        }

        foreach (var task in asked)
        {
            if (await task is not { } answer)
            {
                continue;
            }

            if (answer.Unavailable is { } unavailable)
            {
                if (answer.Users.Count > 0)
                {
                    problems.AddRange(answer.Users.Select(name => new Diagnostic(name, unavailable)));
                }
                else if (_options.ReportUnusedEngines && (_options.Ledger is null || used is not null))
                {
                    // Nothing configured needs it but the root used it: what it may still own cannot be seen, which
                    // status says. An engine the root is not known to have used is not worth a warning on every status.
                    warnings.Add(unavailable);
                }

                continue;
            }

            observed.AddRange(answer.Owned);
        }

        if (used is null && _options.Ledger is { } ledger)
        {
            // Every engine was asked: from now on only those that own something, or that the configuration needs,
            // will be. An engine that could not answer is not recorded as used: it never said it owns anything.
            ledger.Initialize(observed.Select(o => o.Technology).Distinct());
        }

        return (observed, problems, warnings);
    }

    /// <summary>One engine's answer: null when it was not asked, else who needs it, why it cannot answer, or what it owns.</summary>
    private sealed record EngineAnswer(IReadOnlyList<string> Users, string? Unavailable, IReadOnlyList<ObservedService> Owned);

    private static async Task<EngineAnswer?> AskAsync(
        IServiceDriver driver, Dictionary<Technology, List<string>> needed, IReadOnlySet<Technology>? used, CancellationToken cancellationToken)
    {
        var users = driver.Technologies.Where(needed.ContainsKey).SelectMany(t => needed[t]).ToList();
        // An engine this root never used owns nothing of it: asking it (podman, lxc, vagrant...) would
        // only cost time on every run.
        if (users.Count == 0 && used is not null && !driver.Technologies.Overlaps(used))
        {
            return null;
        }

        return await driver.CheckAvailabilityAsync(cancellationToken) is { } unavailable
            ? new EngineAnswer(users, unavailable, [])
            : new EngineAnswer(users, null, await driver.ListOwnedAsync(cancellationToken));
    }

    /// <summary>What <see cref="ApplyAsync"/> would do, without fetching anything.</summary>
    public async Task<(Plan Plan, IReadOnlyList<Diagnostic> Problems, IReadOnlyList<string> Warnings)> PlanAsync(
        DesiredState desired, CancellationToken cancellationToken)
    {
        var (observed, problems, warnings) = await ObserveAsync(desired, cancellationToken);
        var plan = Planner.Diff(desired, observed);
        if (problems.Count == 0)
        {
            problems = await PreflightAsync(plan, observed, cancellationToken);
            plan = plan with
            {
                ServingNodes = await ListServingNodesAsync(desired, cancellationToken),
                Actions = plan.Actions.Select(a => a with { InPlace = UpdatesInPlace(a) }).ToArray(),
            };
        }

        return (plan, problems, warnings);
    }

    /// <summary>Whether a recreate will be made by the engine itself, task by task (same engine before and after).</summary>
    private bool UpdatesInPlace(PlannedAction action) =>
        action is { Kind: ActionKind.Recreate, Observed: { } old, Desired: { } desired }
        && DriverFor(desired.Technology) is { } driver
        && ReferenceEquals(driver, DriverFor(old.Technology))
        && driver.UpdatesInPlace(old, desired);

    /// <summary>The machines that serve each configured technology's services, for the technologies served by more than this host.</summary>
    private async Task<IReadOnlyDictionary<Technology, IReadOnlyList<string>>> ListServingNodesAsync(DesiredState desired, CancellationToken cancellationToken)
    {
        var nodes = new Dictionary<Technology, IReadOnlyList<string>>();
        foreach (var technology in desired.Services.Select(s => s.Technology).Distinct())
        {
            if (DriverFor(technology) is { } driver && await driver.ListServingNodesAsync(cancellationToken) is { Count: > 0 } addresses)
            {
                nodes[technology] = addresses;
            }
        }

        return nodes;
    }

    public async Task<ReconcileResult> ApplyAsync(
        DesiredState desired, bool refresh, IProgress<ReconcileEvent> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var (plan, problems, warnings) = await PlanAsync(desired, cancellationToken);
        foreach (var warning in warnings)
        {
            progress.Report(new ReconcileEvent(EventKind.Warning, null, warning));
        }

        if (problems.Count > 0)
        {
            throw new PreflightException(problems);
        }

        return await ApplyAsync(plan, refresh, progress, cancellationToken);
    }

    /// <summary>
    /// Carries out a plan whose preflight passed. Removals first (they free ports and names), then replacements,
    /// starts and checks of kept services, then creations; within each phase, up to
    /// <see cref="ReconcilerOptions.MaxParallelism"/> services at once, and up to each engine's
    /// <see cref="IServiceDriver.ConcurrentChanges"/> of its own (each service's own steps stay in order).
    /// </summary>
    public Task<ReconcileResult> ApplyAsync(Plan plan, bool refresh, IProgress<ReconcileEvent> progress, CancellationToken cancellationToken) =>
        ApplyAsync(plan, refresh, switchAsync: null, progress, cancellationToken);

    /// <inheritdoc cref="ApplyAsync(Plan, bool, IProgress{ReconcileEvent}, CancellationToken)"/>
    /// <param name="switchAsync">
    /// Points the service's name and the frontend at a new instance checked healthy beside the old one (the DNS record,
    /// nginx's route and stream servers, then a graceful reload): the switch of a replacement without interruption
    /// (<see cref="ReplacementOrder.StartFirst"/>). Null: every replacement stops first. A <see cref="PortiqueException"/>
    /// keeps the old instance serving. Called for one service at a time.
    /// </param>
    public async Task<ReconcileResult> ApplyAsync(
        Plan plan, bool refresh, Func<ServiceSpec, CancellationToken, Task>? switchAsync, IProgress<ReconcileEvent> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(progress);
        var outcomes = new ServiceOutcome?[plan.Actions.Count];
        var local = refresh ? new Dictionary<string, string>() : await FindLocalArtifactsAsync(plan, cancellationToken);
        var phases = new[]
        {
            new[] { ActionKind.Remove },
            [ActionKind.Recreate, ActionKind.Start, ActionKind.Keep],
            [ActionKind.Create],
        };
        var gates = _drivers.ToDictionary(d => d, d => new SemaphoreSlim(Math.Max(1, d.ConcurrentChanges)));
        try
        {
            foreach (var phase in phases)
            {
                var indexes = Enumerable.Range(0, plan.Actions.Count).Where(i => phase.Contains(plan.Actions[i].Kind));
                await Parallel.ForEachAsync(
                    indexes,
                    new ParallelOptions { MaxDegreeOfParallelism = _options.MaxParallelism, CancellationToken = cancellationToken },
                    async (index, token) =>
                    {
                        var action = plan.Actions[index];
                        var outcome = action.Kind == ActionKind.Keep && action.Leftovers.Count == 0 && action.Observed?.ArtifactId is { } running
                            && local.TryGetValue(action.Name, out var present) && present == running
                            ? Outcome(action, true, Messages.Unchanged)
                            : await ExecuteWithinEngineLimitAsync(action, gates, refresh, switchAsync, progress, token);
                        outcomes[index] = outcome;
                        progress.Report(new ReconcileEvent(outcome.Succeeded ? EventKind.Done : EventKind.Error, action.Name, outcome.Message));
                    });
            }
        }
        finally
        {
            foreach (var gate in gates.Values)
            {
                gate.Dispose();
            }
        }

        var serving = plan.Actions
            .Where((action, i) => action.Kind != ActionKind.Remove && (outcomes[i]!.Succeeded || action.Observed is not null))
            .Select(action => action.Name)
            .ToArray();
        return new ReconcileResult(outcomes.Select(o => o!).ToArray()) { Serving = serving };
    }

    /// <summary>
    /// <see cref="ExecuteAsync"/> once the engine the service goes to (a technology switch counts against the new one)
    /// has room among its <see cref="IServiceDriver.ConcurrentChanges"/>.
    /// </summary>
    private async Task<ServiceOutcome> ExecuteWithinEngineLimitAsync(
        PlannedAction action,
        IReadOnlyDictionary<IServiceDriver, SemaphoreSlim> gates,
        bool refresh,
        Func<ServiceSpec, CancellationToken, Task>? switchAsync,
        IProgress<ReconcileEvent> progress,
        CancellationToken cancellationToken)
    {
        var gate = (action.Desired?.Technology ?? action.Observed?.Technology) is { } technology && DriverFor(technology) is { } engine
            ? gates[engine]
            : null;
        if (gate is null)
        {
            return await ExecuteAsync(action, refresh, switchAsync, progress, cancellationToken);
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            return await ExecuteAsync(action, refresh, switchAsync, progress, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// The local artifacts of the kept services, one call per engine: a kept service whose instance runs that very
    /// artifact needs no fetch. An engine that cannot say leaves its services to <see cref="IServiceDriver.FetchAsync"/>.
    /// </summary>
    private async Task<IReadOnlyDictionary<string, string>> FindLocalArtifactsAsync(Plan plan, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        var kept = plan.Actions.Where(a => a.Kind == ActionKind.Keep && a.Desired is not null).Select(a => a.Desired!);
        foreach (var group in kept.GroupBy(spec => DriverFor(spec.Technology)))
        {
            if (group.Key is not { } driver)
            {
                continue;
            }

            try
            {
                foreach (var (name, artifact) in await driver.FindLocalArtifactsAsync(group.ToList(), cancellationToken))
                {
                    found[name] = artifact;
                }
            }
            catch (PortiqueException)
            {
                // Each service's fetch then says what is wrong, in its own line.
            }
        }

        return found;
    }

    /// <summary>Checks, before any change, that every name and host port the plan needs is free for Portique.</summary>
    private async Task<IReadOnlyList<Diagnostic>> PreflightAsync(Plan plan, IReadOnlyList<ObservedService> observed, CancellationToken cancellationToken)
    {
        var problems = new List<Diagnostic>();
        var ownedPorts = observed.SelectMany(o => o.Ports.Select(p => p.HostPort)).ToHashSet();
        foreach (var action in plan.Actions.Where(a => a.Kind is ActionKind.Create or ActionKind.Recreate or ActionKind.Start))
        {
            var spec = action.Desired!;
            var driver = DriverFor(spec.Technology)!;
            var holder = await driver.FindForeignHolderAsync(spec.Name, cancellationToken);
            if (holder is not null)
            {
                problems.Add(new Diagnostic(spec.Name, Messages.FormatNameHeldByForeign(holder)));
            }

            problems.AddRange((await driver.CheckPlacementAsync(spec, cancellationToken)).Select(problem => new Diagnostic(spec.Name, problem)));

            foreach (var port in spec.Ports.Where(p => !ownedPorts.Contains(p.HostPort)))
            {
                if (!_probe.IsPortFree(spec.PublishAddress, port.HostPort, port.Protocol))
                {
                    problems.Add(new Diagnostic(spec.Name, Messages.FormatPortInUse(spec.PublishAddress, port.HostPort)));
                }
            }
        }

        return problems;
    }

    private async Task<ServiceOutcome> ExecuteAsync(
        PlannedAction action, bool refresh, Func<ServiceSpec, CancellationToken, Task>? switchAsync, IProgress<ReconcileEvent> progress, CancellationToken cancellationToken)
    {
        var name = action.Name;
        try
        {
            if (action.Kind == ActionKind.Remove)
            {
                progress.Report(new ReconcileEvent(EventKind.Step, name, Messages.Removing));
                await RemoveAllAsync([action.Observed!, .. action.Leftovers], cancellationToken);
                return Outcome(action, true, Messages.Removed);
            }

            // Stale instances of the same name (an aside left by a killed run, a copy in another engine) go first:
            // they would block the name, and the primary instance is the one serving.
            if (action.Leftovers.Count > 0)
            {
                progress.Report(new ReconcileEvent(EventKind.Detail, name, Messages.FormatRemovingLeftovers(action.Leftovers.Count)));
                await RemoveAllAsync(action.Leftovers, cancellationToken);
            }

            var spec = action.Desired!;
            var driver = DriverFor(spec.Technology)!;
            string artifact;
            try
            {
                progress.Report(new ReconcileEvent(EventKind.Step, name, Messages.FormatFetching(spec.Technology.Name)));
                var detail = new SynchronousProgress<string>(line => progress.Report(new ReconcileEvent(EventKind.Detail, name, line)));
                artifact = await driver.FetchAsync(spec, refresh, detail, cancellationToken);
            }
            catch (PortiqueException e)
            {
                return Outcome(action, false, Messages.FormatFetchFailed(e.Message));
            }

            var kind = action.Kind;
            var reasons = action.Reasons;
            if (kind is ActionKind.Keep or ActionKind.Start && action.Observed!.ArtifactId is { } running && running != artifact)
            {
                kind = ActionKind.Recreate;
                reasons = [.. reasons, $"image: {Short(running)} → {Short(artifact)}"];
            }

            var outcome = kind switch
            {
                ActionKind.Keep => Outcome(action, true, Messages.Unchanged),
                ActionKind.Start => await StartAsync(action, driver, progress, cancellationToken),
                ActionKind.Create => await CreateAsync(action, driver, artifact, progress, cancellationToken),
                _ => await ReplaceAsync(action with { Kind = kind, Reasons = reasons }, driver, artifact, switchAsync, progress, cancellationToken),
            };
            return outcome;
        }
        catch (PortiqueException e)
        {
            return Outcome(action, false, e.Message);
        }
    }

    private async Task<ServiceOutcome> StartAsync(PlannedAction action, IServiceDriver driver, IProgress<ReconcileEvent> progress, CancellationToken cancellationToken)
    {
        progress.Report(new ReconcileEvent(EventKind.Step, action.Name, Messages.Starting));
        await driver.StartAsync(action.Observed!, cancellationToken);
        var failure = await WaitHealthyAsync(driver, action.Observed!, action.Desired!, readyWhenAnswering: false, cancellationToken);
        return failure is null
            ? Outcome(action, true, Messages.Started)
            : Outcome(action, false, Messages.FormatStartedUnhealthy(failure), await TailAsync(driver, action.Name, cancellationToken));
    }

    private async Task<ServiceOutcome> CreateAsync(PlannedAction action, IServiceDriver driver, string artifact, IProgress<ReconcileEvent> progress, CancellationToken cancellationToken)
    {
        _options.Ledger?.MarkUsed(action.Desired!.Technology);
        progress.Report(new ReconcileEvent(EventKind.Step, action.Name, Messages.Creating));
        var created = await driver.CreateAsync(action.Desired!, artifact, cancellationToken);
        await CreatedAsync(action.Desired!, cancellationToken);
        var failure = await WaitHealthyAsync(driver, created, action.Desired!, readyWhenAnswering: true, cancellationToken);
        if (failure is null)
        {
            return Outcome(action, true, Messages.Created);
        }

        var logs = await TailAsync(driver, action.Name, cancellationToken);
        await driver.RemoveAsync(created, cancellationToken);
        return Outcome(action, false, Messages.FormatCreatedUnhealthy(failure), logs);
    }

    /// <summary>
    /// Set the old instance aside, start the new one, keep it only if healthy; otherwise restore the old. Cancelled
    /// mid-way (Ctrl+C, SIGTERM), the step is rolled back before the cancellation goes on, within
    /// <see cref="ReconcilerOptions.InterruptGrace"/>: the new instance is removed, the old one gets its name back and starts.
    /// </summary>
    private async Task<ServiceOutcome> ReplaceAsync(
        PlannedAction action, IServiceDriver driver, string artifact, Func<ServiceSpec, CancellationToken, Task>? switchAsync, IProgress<ReconcileEvent> progress, CancellationToken cancellationToken)
    {
        var old = action.Observed!;
        var oldDriver = DriverFor(old.Technology)
            ?? throw new RuntimeFailureException(Messages.FormatNoDriver(action.Name, old.Technology.Name));
        _options.Ledger?.MarkUsed(action.Desired!.Technology);
        if (ReferenceEquals(driver, oldDriver) && driver.UpdatesInPlace(old, action.Desired!))
        {
            return await ReplaceInPlaceAsync(action, driver, artifact, progress, cancellationToken);
        }

        if (action.Desired!.Replacement == ReplacementOrder.StartFirst && driver.StartsBeside && switchAsync is not null
            && !old.IsAside && old.State == InstanceState.Running && old.Address is not null)
        {
            return await ReplaceBesideAsync(action, driver, oldDriver, artifact, switchAsync, progress, cancellationToken);
        }

        progress.Report(new ReconcileEvent(EventKind.Step, action.Name, Messages.FormatReplacing(string.Join("; ", action.Reasons))));
        var aside = old.IsAside ? old : null;
        ObservedService? created = null;
        string? failure;
        IReadOnlyList<string> logs = [];
        try
        {
            aside ??= await oldDriver.SetAsideAsync(old, cancellationToken);
            if (_options.BeforeReplaceAsync is { } beforeReplace)
            {
                // The old instance is stopped: its data is copied as it left it. A failure restores it below.
                await beforeReplace(action, new SynchronousProgress<string>(line => progress.Report(new ReconcileEvent(EventKind.Detail, action.Name, line))), cancellationToken);
            }

            created = await driver.CreateAsync(action.Desired!, artifact, cancellationToken);
            await CreatedAsync(action.Desired!, cancellationToken);
            failure = await WaitHealthyAsync(driver, created, action.Desired!, readyWhenAnswering: false, cancellationToken);
        }
        catch (PortiqueException e) when (aside is not null)
        {
            failure = e.Message;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            progress.Report(new ReconcileEvent(EventKind.Warning, action.Name, Messages.RollingBackInterrupted));
            using var grace = new CancellationTokenSource(_options.InterruptGrace);
            await RollBackInterruptedAsync(action, driver, oldDriver, aside, created, grace.Token);
            throw;
        }

        if (failure is null)
        {
            await oldDriver.RemoveAsync(aside!, cancellationToken);
            return Outcome(action, true, Messages.Recreated);
        }

        progress.Report(new ReconcileEvent(EventKind.Warning, action.Name, Messages.FormatRollingBack(failure)));
        // The rollback itself is not abandoned half-way when cancellation comes now: it has its own bounded time.
        using var rollback = new CancellationTokenSource(_options.InterruptGrace);
        if (created is not null)
        {
            logs = await TailAsync(driver, action.Name, rollback.Token);
            await driver.RemoveAsync(created, rollback.Token);
        }

        await oldDriver.RestoreAsync(aside!, rollback.Token);
        return Outcome(action, false, Messages.FormatRolledBack(failure), logs);
    }

    /// <summary>
    /// A replacement the engine makes itself, task by task (<see cref="IServiceDriver.UpdatesInPlace"/>: a swarm of several
    /// nodes): the engine rolls back a failed update on its own, so a failure leaves the previous version serving. Cancelled
    /// mid-way, the engine carries on; the next run sees where it stands.
    /// </summary>
    private async Task<ServiceOutcome> ReplaceInPlaceAsync(
        PlannedAction action, IServiceDriver driver, string artifact, IProgress<ReconcileEvent> progress, CancellationToken cancellationToken)
    {
        progress.Report(new ReconcileEvent(EventKind.Step, action.Name, Messages.FormatReplacingInPlace(string.Join("; ", action.Reasons))));
        try
        {
            var updated = await driver.UpdateInPlaceAsync(action.Observed!, action.Desired!, artifact, cancellationToken);
            var failure = await WaitHealthyAsync(driver, updated, action.Desired!, readyWhenAnswering: false, cancellationToken);
            return failure is null
                ? Outcome(action, true, Messages.Recreated)
                : Outcome(action, false, Messages.FormatUpdatedUnhealthy(failure), await TailAsync(driver, action.Name, cancellationToken));
        }
        catch (PortiqueException e)
        {
            return Outcome(action, false, e.Message, await TailAsync(driver, action.Name, cancellationToken));
        }
    }

    /// <summary>
    /// A replacement without interruption (<see cref="ReplacementOrder.StartFirst"/>): the new instance starts beside the
    /// running old one, at the service's other address; once healthy, the name and the frontend switch to it, the old one
    /// drains for <see cref="ReconcilerOptions.DrainPeriod"/> and goes. A new instance that fails, or a switch that fails,
    /// is removed and the old one, never stopped, keeps serving. Cancelled before the switch, the new instance goes;
    /// after it, the old one is left for the next run to remove (the name points to the new one, which it keeps).
    /// </summary>
    private async Task<ServiceOutcome> ReplaceBesideAsync(
        PlannedAction action,
        IServiceDriver driver,
        IServiceDriver oldDriver,
        string artifact,
        Func<ServiceSpec, CancellationToken, Task> switchAsync,
        IProgress<ReconcileEvent> progress,
        CancellationToken cancellationToken)
    {
        var old = action.Observed!;
        var desired = action.Desired!;
        var target = old.Address == desired.Address ? desired.AtAlternateAddress() : desired;
        progress.Report(new ReconcileEvent(EventKind.Step, action.Name, Messages.FormatReplacingBeside(string.Join("; ", action.Reasons), target.Address)));
        ObservedService? created = null;
        string? failure;
        try
        {
            if (_options.BeforeReplaceAsync is { } beforeReplace)
            {
                // The old instance still runs: its data is copied live (a service with volumes stops first by default).
                await beforeReplace(action, new SynchronousProgress<string>(line => progress.Report(new ReconcileEvent(EventKind.Detail, action.Name, line))), cancellationToken);
            }

            created = await driver.CreateBesideAsync(target, artifact, cancellationToken);
            await CreatedAsync(target, cancellationToken);
            failure = await WaitHealthyAsync(driver, created, target, readyWhenAnswering: false, cancellationToken);
            if (failure is null)
            {
                await switchAsync(target, cancellationToken);
                progress.Report(new ReconcileEvent(EventKind.Detail, action.Name, Messages.FormatSwitched(target.Address)));
            }
        }
        catch (PortiqueException e)
        {
            failure = e.Message;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Not switched yet (the switch is the last step of the try): the old instance serves, the new one goes.
            progress.Report(new ReconcileEvent(EventKind.Warning, action.Name, Messages.RollingBackInterrupted));
            using var grace = new CancellationTokenSource(_options.InterruptGrace);
            await RemoveQuietlyAsync(driver, created, grace.Token);
            throw;
        }

        if (failure is not null)
        {
            progress.Report(new ReconcileEvent(EventKind.Warning, action.Name, Messages.FormatBesideFailed(failure)));
            using var rollback = new CancellationTokenSource(_options.InterruptGrace);
            IReadOnlyList<string> logs = [];
            if (created is not null)
            {
                logs = await TailAsync(driver, created.InstanceName ?? action.Name, rollback.Token);
                await driver.RemoveAsync(created, rollback.Token);
            }

            return Outcome(action, false, Messages.FormatBesideRolledBack(failure), logs);
        }

        // Switched: what was sent to the old instance finishes, then it stops within its own stop timeout.
        await Task.Delay(desired.DrainSeconds is int seconds ? TimeSpan.FromSeconds(seconds) : _options.DrainPeriod, _time, cancellationToken);
        await oldDriver.RemoveAsync(old, cancellationToken);
        try
        {
            await driver.TakeServiceNameAsync(created!, cancellationToken);
        }
        catch (PortiqueException e)
        {
            // The instance serves under its next name; the next replacement starts under the service's own.
            progress.Report(new ReconcileEvent(EventKind.Warning, action.Name, e.Message));
        }

        return Outcome(action, true, Messages.RecreatedBeside);
    }

    private Task CreatedAsync(ServiceSpec spec, CancellationToken cancellationToken) =>
        _options.InstanceCreatedAsync is { } created ? created(spec, cancellationToken) : Task.CompletedTask;

    private static async Task RemoveQuietlyAsync(IServiceDriver driver, ObservedService? instance, CancellationToken cancellationToken)
    {
        if (instance is null)
        {
            return;
        }

        try
        {
            await driver.RemoveAsync(instance, cancellationToken);
        }
        catch (Exception e) when (e is PortiqueException or OperationCanceledException)
        {
            // The name still points to the old instance: the next run removes this one as a leftover.
        }
    }

    /// <summary>
    /// After an interruption: whatever instance now holds the service's name is the half-made new one (the old one
    /// is aside): it goes, then the old one gets its name back and starts. Not set aside yet: the old one is started
    /// again if it was stopped on the way.
    /// </summary>
    private static async Task RollBackInterruptedAsync(
        PlannedAction action, IServiceDriver driver, IServiceDriver oldDriver, ObservedService? aside, ObservedService? created, CancellationToken cancellationToken)
    {
        try
        {
            var current = created
                ?? (await driver.ListOwnedAsync(cancellationToken)).FirstOrDefault(i => i.Name == action.Name && !i.IsAside);
            if (aside is null)
            {
                // Interrupted while setting aside: the engines list what is there now.
                aside = (await oldDriver.ListOwnedAsync(cancellationToken)).FirstOrDefault(i => i.Name == action.Name && i.IsAside);
                if (aside is null)
                {
                    if (current is not null && current.State != InstanceState.Running)
                    {
                        await oldDriver.StartAsync(current, cancellationToken);
                    }

                    return;
                }
            }

            if (current is not null)
            {
                await driver.RemoveAsync(current, cancellationToken);
            }

            await oldDriver.RestoreAsync(aside, cancellationToken);
        }
        catch (Exception e) when (e is PortiqueException or OperationCanceledException)
        {
            // The next run converges (an instance left aside is restored when it is alone); the interruption is what is reported.
        }
    }

    /// <summary>
    /// Null when healthy within the timeout, else why not: the engine settles first, then the routed port answers.
    /// <paramref name="readyWhenAnswering"/>: a new service no previous version depends on (a creation) is ready as soon
    /// as its first run answers on its port, without the grace period that keeps a replacement from switching to an
    /// instance that crashes after starting (<see cref="ServiceLifecycle.WaitUntilReadyAsync"/>).
    /// </summary>
    private async Task<string?> WaitHealthyAsync(
        IServiceDriver driver, ObservedService instance, ServiceSpec spec, bool readyWhenAnswering, CancellationToken cancellationToken)
    {
        // Asked at each look: on a swarm of several nodes the endpoint is a node a running task is on.
        Func<CancellationToken, Task<bool>>? answers = readyWhenAnswering && spec.HealthEndpoint is not null
            ? async token => await driver.HealthEndpointAsync(instance, spec, token) is { } target
                && await _probe.AcceptsConnectionsAsync(target.Host, target.Port, TimeSpan.FromSeconds(1), token)
            : null;
        // conteneurN_delai_demarrage: one budget for the engine's settling and the port, from now.
        var limit = spec.StartSeconds is int seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
        var started = _time.GetUtcNow();
        var (health, answered) = await driver.WaitUntilReadyAsync(instance, _time, answers, limit, cancellationToken);
        switch (health)
        {
            case EngineHealth.Unhealthy:
                return Messages.HealthCheckFails;
            case EngineHealth.NotRunning:
                return Messages.NotRunning;
            case EngineHealth.Starting:
                return Messages.HealthCheckTimeout;
        }

        if (answered || await driver.HealthEndpointAsync(instance, spec, cancellationToken) is not { } endpoint)
        {
            return null;
        }

        var (host, port) = endpoint;

        var portLimit = limit ?? _options.HealthTimeout;
        var deadline = (limit is null ? _time.GetUtcNow() : started) + portLimit;
        while (!await _probe.AcceptsConnectionsAsync(host, port, TimeSpan.FromSeconds(1), cancellationToken))
        {
            if (_time.GetUtcNow() >= deadline)
            {
                return Messages.FormatPortSilent(port, portLimit.TotalSeconds);
            }

            await Task.Delay(_options.HealthPollInterval, _time, cancellationToken);
        }

        // Still alive after the port answered? (An engine proxy may accept for a dying instance.)
        return await driver.CheckHealthAsync(instance, cancellationToken) is EngineHealth.NotRunning or EngineHealth.Unhealthy
            ? Messages.StoppedAfterStart
            : null;
    }

    private async Task RemoveAllAsync(IEnumerable<ObservedService> instances, CancellationToken cancellationToken)
    {
        foreach (var instance in instances)
        {
            var driver = DriverFor(instance.Technology)
                ?? throw new RuntimeFailureException(Messages.FormatNoDriver(instance.Name, instance.Technology.Name));
            await driver.RemoveAsync(instance, cancellationToken);
        }
    }

    private async Task<IReadOnlyList<string>> TailAsync(IServiceDriver driver, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await driver.ReadLogsAsync(name, _options.LogTailLines, cancellationToken);
        }
        catch (PortiqueException e)
        {
            return [Messages.FormatLogsUnavailable(e.Message)];
        }
    }

    private static ServiceOutcome Outcome(PlannedAction action, bool succeeded, string message, IReadOnlyList<string>? logs = null) =>
        new(action.Name, action.Kind, succeeded, message, action.Reasons, logs ?? []);

    private static string Short(string id) => id.StartsWith("sha256:", StringComparison.Ordinal) && id.Length > 19 ? id[..19] : id;
}
