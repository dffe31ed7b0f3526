using Portique.Core;
using Portique.Frontend.Nginx;
using Portique.Orchestration.Resources;
using Portique.Planning;

namespace Portique.Orchestration;

public enum ReconfigureMode
{
    /// <summary>
    /// First set-up (EOLE's <c>instance</c>): once it succeeds, leaves EOLE's marker <c>/etc/eole/.instance</c> under the root
    /// (an empty file, as EOLE's <c>instance</c> does), which <c>is_instanciate</c> and <c>auto_frozen_if_in</c> read; not where
    /// EOLE's Creole is installed, whose own <c>instance</c> writes it.
    /// </summary>
    Instance,

    Reconfigure,
}

public sealed record ReconfigureOptions
{
    public bool Refresh { get; init; }

    /// <summary>
    /// How long a second run waits for the lock: 10 minutes, or <c>PORTIQUE_LOCK_TIMEOUT_SECONDS</c> when set (a test
    /// hook, so the timeout's exit code can be checked through the executable without waiting 10 minutes).
    /// </summary>
    public TimeSpan LockTimeout { get; init; } = DefaultLockTimeout(Environment.GetEnvironmentVariable);

    internal static TimeSpan DefaultLockTimeout(Func<string, string?> environment) =>
        int.TryParse(environment("PORTIQUE_LOCK_TIMEOUT_SECONDS"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.FromMinutes(10);

    /// <summary>The clock the lock's wait reads: a fake one in tests.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}

/// <summary>What a reconfigure did: per service, to the files, to the frontend.</summary>
public sealed record ReconfigureReport(
    ReconcileResult Services,
    IReadOnlyList<string> ChangedFiles,
    FrontendResult? Frontend,
    IReadOnlyList<string> Warnings)
{
    public bool Succeeded => Services.Succeeded;
}

/// <summary>What <c>plan</c> shows: the services' plan, frontend changes, and problems that would stop a run.</summary>
public sealed record PlanReport(Plan Plan, FrontendChange Frontend, IReadOnlyList<Diagnostic> Problems, IReadOnlyList<string> Warnings)
{
    public bool HasChanges => Plan.HasChanges || Frontend.HasChanges;
}

/// <summary>
/// EOLE's order: validate (nothing touched on error) → preservice → pretemplate → render → posttemplate →
/// reconcile services → frontend → postservice. One run at a time per root.
/// </summary>
/// <param name="network">The root's private network on the host; null (tests' fakes): never touched.</param>
public sealed class ReconfigureRunner(Workspace workspace, Reconciler reconciler, IFrontend frontend, HookRunner hooks, PrivateBridge? network = null)
{
    public async Task<PlanReport> PlanAsync(CancellationToken cancellationToken)
    {
        reconciler.ConnectAhead(cancellationToken);
        var (configuration, report) = ValidateOrThrow();
        var planning = PlanBesideAsync(WithRoutes(report.Desired), cancellationToken);
        var files = workspace.RenderAll(configuration);
        var (plan, problems, warnings) = await planning;
        var frontendChange = await frontend.PlanAsync(RoutedFrontendFiles(files, configuration, report.Desired, InitialRoutes(plan), plan), cancellationToken);
        return new PlanReport(plan, frontendChange, problems, [.. report.Warnings.Select(w => w.ToString()), .. warnings]);
    }

    public async Task<ReconfigureReport> RunAsync(
        ReconfigureMode mode, ReconfigureOptions options, IProgress<ReconcileEvent> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(progress);
        using var held = await AcquireLockAsync(options, progress, cancellationToken);
        return await RunLockedAsync(mode, options, progress, cancellationToken);
    }

    /// <summary>The root's reconfigure lock (<see cref="ReconfigureLock"/>), waiting up to <see cref="ReconfigureOptions.LockTimeout"/>, saying so.</summary>
    internal Task<ReconfigureLock> AcquireLockAsync(ReconfigureOptions options, IProgress<ReconcileEvent> progress, CancellationToken cancellationToken) =>
        ReconfigureLock.AcquireAsync(
            workspace.Root,
            options.LockTimeout,
            options.Time,
            () => progress.Report(new ReconcileEvent(EventKind.Warning, null, Messages.WaitingForLock)),
            cancellationToken);

    /// <summary><see cref="RunAsync"/> for a caller that already holds the lock (a rollback holds it from its first step to its last).</summary>
    internal async Task<ReconfigureReport> RunLockedAsync(
        ReconfigureMode mode, ReconfigureOptions options, IProgress<ReconcileEvent> progress, CancellationToken cancellationToken)
    {
        var modeName = mode == ReconfigureMode.Instance ? "instance" : "reconfigure";
        progress.Report(new ReconcileEvent(EventKind.Step, null, Messages.StepValidating));
        reconciler.ConnectAhead(cancellationToken);
        var (configuration, report) = ValidateOrThrow();
        // Observed and planned once when no hook runs: the preflight's plan is the one applied, so a run that changes
        // nothing asks each engine for one list only. A hook may stop or remove instances: then the engines are observed again.
        var desired = WithRoutes(report.Desired);
        var planning = PlanBesideAsync(desired, cancellationToken);
        var files = workspace.RenderAll(configuration);
        // Unknown owners or groups stop the run before any hook or file: exit 2, nothing touched.
        await FileWriter.CheckAccountsAsync(files.Where(f => !Workspace.IsFrontendFile(f.Declaration)), cancellationToken);
        var (plan, problems, planWarnings) = await planning;
        if (problems.Count > 0)
        {
            throw new PreflightException(problems);
        }

        // The private network's addresses must be free on this host before anything is written (docs/network.md).
        var privateNetwork = PrivateNetworkOf(report.Desired);
        await EnsureNetworkIsFreeAsync(privateNetwork, report.Desired, cancellationToken);

        foreach (var warning in report.Warnings.Select(w => w.ToString()).Concat(planWarnings))
        {
            progress.Report(new ReconcileEvent(EventKind.Warning, null, warning));
        }

        var hookProgress = new SynchronousProgress<string>(hook => progress.Report(new ReconcileEvent(EventKind.Step, null, Messages.FormatStepHook(hook))));
        var hooksRun = await hooks.RunAsync("preservice", modeName, hookProgress, cancellationToken);
        hooksRun += await hooks.RunAsync("pretemplate", modeName, hookProgress, cancellationToken);

        progress.Report(new ReconcileEvent(EventKind.Step, null, Messages.StepRendering));
        var changedFiles = await Workspace.WriteAsync(files, cancellationToken);
        foreach (var file in changedFiles)
        {
            progress.Report(new ReconcileEvent(EventKind.Detail, null, Messages.FormatFileWritten(file)));
        }

        hooksRun += await hooks.RunAsync("posttemplate", modeName, hookProgress, cancellationToken);
        if (hooksRun > 0)
        {
            (plan, problems, _) = await reconciler.PlanAsync(desired, cancellationToken);
            if (problems.Count > 0)
            {
                throw new PreflightException(problems);
            }
        }

        // Where each name points during the run: the instance serving it. A replacement without interruption moves its
        // service's entry when it switches (docs/replacement.md).
        using var routes = new Routes(InitialRoutes(plan));

        // A root's first run makes nginx's self-signed pair (an RSA key: a sixth of a second of a core) while the engines
        // create the services, not after them; the frontend step waits for it and reports it.
        var serverName = configuration.Find("frontal_nom_serveur")?.Values.FirstOrDefault();
        var certificate = new CertificateAhead(Task.Run(
            () => frontend.EnsureSelfSignedCertificateAsync(serverName == "_" ? null : serverName, cancellationToken), cancellationToken));

        // The private network exists before any service that joins it (docs/network.md). With the network off nothing is touched.
        if (network is not null && privateNetwork is not null)
        {
            progress.Report(new ReconcileEvent(EventKind.Step, null, Messages.FormatStepNetwork(privateNetwork.Cidr)));
            await network.EnsureAsync(privateNetwork, NamedAddresses(report.Desired, privateNetwork, routes.Snapshot()), DhcpHosts(report.Desired, InstancesOf(plan)), cancellationToken);
        }

        // Each password in its root-only file before an instance binds it (docs/secrets.md).
        await SecretFiles.WriteAsync(workspace.Root, configuration, report.Desired, cancellationToken);

        // Host ports moving from the frontend to an engine (the network turned off, a switch to snap): nginx lets go of
        // them before the engine binds them, so the frontend's new files go first; routes answer again once the
        // instances are up.
        if (plan.Actions.Any(a => a.Kind is ActionKind.Create or ActionKind.Recreate && a.Desired is { PortsPublishedByFrontend: false, Ports.Count: > 0 })
            && frontend.PublishesStreamPorts())
        {
            progress.Report(new ReconcileEvent(EventKind.Step, null, Messages.StepFrontendReleasesPorts));
            await ApplyFrontendAsync(RoutedFrontendFiles(files, configuration, report.Desired, routes.Snapshot(), plan), certificate, progress, cancellationToken);
        }

        progress.Report(new ReconcileEvent(EventKind.Step, null, Messages.StepReconciling));
        async Task SwitchAsync(ServiceSpec target, CancellationToken token)
        {
            // One switch at a time: each one writes the whole DNS configuration and the whole frontend.
            using var turn = await routes.TakeTurnAsync(token);
            routes.Point(target.Name, target.Address!);
            var now = routes.Snapshot();
            if (network is not null && privateNetwork is not null)
            {
                await network.EnsureAsync(privateNetwork, NamedAddresses(report.Desired, privateNetwork, now), DhcpHosts(report.Desired, InstancesOf(plan)), token);
            }

            await ApplyFrontendAsync(RoutedFrontendFiles(files, configuration, report.Desired, now, plan), certificate, progress, token);
        }

        var services = await reconciler.ApplyAsync(plan, options.Refresh, SwitchAsync, progress, cancellationToken);
        if (!services.Succeeded && network is not null && privateNetwork is not null)
        {
            // A failed replacement put the previous instance back where it lived: maybe its second address, while the
            // routes say where the new one was to be. Names and routes follow the instances that serve now.
            IReadOnlyList<(string Name, string Address)> restored = [];
            IReadOnlyList<ObservedService> observed = [];
            try
            {
                (observed, _, _) = await reconciler.ObserveAsync(report.Desired, cancellationToken);
                restored = RestoredRoutes(report.Desired, observed, routes.Snapshot());
            }
            catch (PortiqueException e)
            {
                // An engine that stopped answering: the routes stay as they are, the run's outcome says what failed.
                progress.Report(new ReconcileEvent(EventKind.Warning, null, e.Message));
            }

            if (restored.Count > 0)
            {
                foreach (var (name, address) in restored)
                {
                    routes.Point(name, address);
                }

                await network.EnsureAsync(privateNetwork, NamedAddresses(report.Desired, privateNetwork, routes.Snapshot()), DhcpHosts(report.Desired, observed), cancellationToken);
            }
        }

        if (network is not null && privateNetwork is not null && plan.Actions.Any(a => a.Kind is ActionKind.Create or ActionKind.Recreate))
        {
            await network.ForgetNeighboursAsync(cancellationToken);
            await AnnounceAsync(network, privateNetwork, plan, routes.Snapshot(), progress, cancellationToken);
        }

        if (services.Succeeded)
        {
            SecretFiles.Prune(workspace.Root, report.Desired);
            if (network is not null && privateNetwork is null && await network.ExistsAsync(cancellationToken))
            {
                await RemoveNetworkAsync(network, progress, cancellationToken);
            }
        }

        progress.Report(new ReconcileEvent(EventKind.Step, null, Messages.StepFrontend));
        var frontendResult = await ApplyFrontendAsync(RoutedFrontendFiles(files, configuration, report.Desired, routes.Snapshot(), plan), certificate, progress, cancellationToken);

        await hooks.RunAsync("postservice", modeName, hookProgress, cancellationToken);
        if (mode == ReconfigureMode.Instance && services.Succeeded)
        {
            await MarkInstantiatedAsync(cancellationToken);
        }

        return new ReconfigureReport(services, changedFiles, frontendResult, report.Warnings.Select(w => w.ToString()).ToArray());
    }

    /// <summary>The desired state with where the root's names point now (<see cref="DesiredState.Routed"/>).</summary>
    private DesiredState WithRoutes(DesiredState desired) =>
        network is null ? desired : desired with { Routed = network.ReadRecords() };

    /// <summary>
    /// Where each service on the private network is reached at the start of a run: the address of the instance the plan
    /// keeps (either of its two addresses), the old instance's for a replacement without interruption (until it
    /// switches), else the one the new instance gets.
    /// </summary>
    internal static Dictionary<string, string> InitialRoutes(Plan plan) =>
        plan.Actions
            .Where(a => a.Desired?.Address is not null)
            .ToDictionary(
                a => a.Name,
                a => a.Replacement == ReplacementOrder.StartFirst && a.Observed?.Address is { } serving ? serving : a.Desired!.Address!,
                StringComparer.Ordinal);

    /// <summary>
    /// The services whose one running instance lives at another address than <paramref name="routes"/> says (a previous
    /// instance put back by a rollback), with that address. A service with no running instance, or with two, keeps its route.
    /// </summary>
    internal static IReadOnlyList<(string Name, string Address)> RestoredRoutes(
        DesiredState desired, IReadOnlyList<ObservedService> observed, IReadOnlyDictionary<string, string> routes)
    {
        var restored = new List<(string, string)>();
        foreach (var service in desired.Services.Where(s => s.Address is not null))
        {
            var serving = observed
                .Where(o => o.Name == service.Name && !o.IsAside && o.State == InstanceState.Running && o.Address is not null)
                .Select(o => o.Address!)
                .ToList();
            if (serving.Count == 1 && routes.GetValueOrDefault(service.Name) != serving[0])
            {
                restored.Add((service.Name, serving[0]));
            }
        }

        return restored;
    }

    /// <summary>
    /// The frontend's files with every service routed where <paramref name="routes"/> says: rendered again with
    /// <c>conteneurN_ip</c> set to the address of the instance serving, when it lives at its second address, and with
    /// the nodes that serve a swarm of several nodes (<see cref="Plan.ServingNodes"/>, docs/multi-host.md).
    /// </summary>
    private TemplatedNginxDictionary RoutedFrontendFiles(
        IReadOnlyList<RenderedFile> files, Configuration.EvaluatedConfiguration configuration, DesiredState desired, IReadOnlyDictionary<string, string> routes, Plan plan)
    {
        var moved = desired.Services
            .Where(s => s.Address is not null && routes.TryGetValue(s.Name, out var address) && address != s.Address)
            .ToList();
        var facts = FactsOf(plan);
        if (moved.Count == 0 && facts.SwarmNodes.Count == 0)
        {
            return workspace.FrontendFiles(files, configuration);
        }

        var values = configuration.Values;
        foreach (var service in moved)
        {
            values = values.Set($"conteneur{service.Index}_ip", RoutedOwner, [routes[service.Name]], asList: false);
        }

        var routed = moved.Count == 0 ? configuration : workspace.Evaluate(values);
        return workspace.FrontendFiles(workspace.RenderAll(routed, facts: facts), routed, facts);
    }

    /// <summary>What the templates are given from the engines: the nodes of a swarm of several nodes, in a stable order.</summary>
    internal static RenderFacts FactsOf(Plan plan) =>
        new(plan.ServingNodes.Values.SelectMany(nodes => nodes).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray());

    /// <summary>The owner of the addresses set only to render the frontend (never saved).</summary>
    private const string RoutedOwner = "portique";

    private async Task<FrontendResult> ApplyFrontendAsync(
        TemplatedNginxDictionary frontendFiles, CertificateAhead certificate, IProgress<ReconcileEvent> progress, CancellationToken cancellationToken)
    {
        var pair = await certificate.Making;
        if (pair.Created && certificate.FirstToReport())
        {
            progress.Report(new ReconcileEvent(EventKind.Detail, null, Messages.FormatCertificateCreated(pair.CertificatePath)));
        }

        var result = await frontend.ApplyAsync(frontendFiles, cancellationToken);
        progress.Report(new ReconcileEvent(EventKind.Detail, null, result.Action switch
        {
            FrontendAction.Reloaded => Messages.FormatNginxReloaded(string.Join(", ", result.Change.All)),
            FrontendAction.Started => Messages.NginxStarted,
            _ => Messages.NginxUnchanged,
        }));
        return result;
    }

    /// <summary>
    /// EOLE's marker of an instantiated server: an empty <c>/etc/eole/.instance</c>, written once (a later <c>instance</c> keeps it).
    /// Where EOLE's Creole is installed the marker is EOLE's own <c>instance</c>'s to write (it tells EOLE its one-time steps
    /// are done): Portique only reads it there.
    /// </summary>
    private async Task MarkInstantiatedAsync(CancellationToken cancellationToken)
    {
        var marker = workspace.Root.Resolve(Configuration.EoleHost.InstanceMarker);
        if (workspace.EoleFolder is not null || File.Exists(marker))
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(marker)!);
        await AtomicFile.WriteAsync(marker, ReadOnlyMemory<byte>.Empty, AtomicFile.PublicMode, beforeReplace: null, cancellationToken);
    }

    /// <summary>
    /// Brings the root's private network up as the configuration says (bridge, rules, names), and nothing else: no
    /// file, hook or service. What a boot does before the engines restart their instances (portique-network.service),
    /// since neither the bridge nor the rules survive a reboot. Returns the network, or null when it is off.
    /// </summary>
    public async Task<PrivateNetwork?> EnsureNetworkAsync(ReconfigureOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var held = await ReconfigureLock.AcquireAsync(workspace.Root, options.LockTimeout, options.Time, () => { }, cancellationToken);
        var (_, report) = ValidateOrThrow();
        var privateNetwork = PrivateNetworkOf(report.Desired);
        if (network is null || privateNetwork is null)
        {
            return null;
        }

        await EnsureNetworkIsFreeAsync(privateNetwork, report.Desired, cancellationToken);
        await network.EnsureAsync(privateNetwork, NamedAddresses(report.Desired, privateNetwork, network.ReadRecords()), DhcpHosts(report.Desired), cancellationToken);
        return privateNetwork;
    }

    /// <summary>The root's private network when it is on and some service is configured (on the bridge or not), else null.</summary>
    private static PrivateNetwork? PrivateNetworkOf(DesiredState desired) =>
        desired.Services.Count > 0 && desired.Network is { } cidr ? PrivateNetwork.TryParse(cidr, out _) : null;

    /// <summary>
    /// The network was turned off and every service has left it: docker's network, podman's declaration, then the
    /// bridge, its rules and its dnsmasq go. What an engine still holds keeps it all, said as a warning.
    /// </summary>
    private async Task RemoveNetworkAsync(PrivateBridge network, IProgress<ReconcileEvent> progress, CancellationToken cancellationToken)
    {
        var failures = await reconciler.LeavePrivateNetworkAsync(cancellationToken);
        if (failures.Count > 0)
        {
            progress.Report(new ReconcileEvent(EventKind.Warning, null, Messages.FormatNetworkKept(network.Name, string.Join("; ", failures))));
            return;
        }

        await network.RemoveAsync(cancellationToken);
        progress.Report(new ReconcileEvent(EventKind.Step, null, Messages.FormatNetworkRemoved(network.Name)));
    }

    /// <summary>
    /// The services created or replaced on the private network tell the others their new MAC (docs/network.md): the
    /// address stayed, the MAC did not, and a service that talked to the previous instance would otherwise keep
    /// sending to it for up to a minute.
    /// </summary>
    private static async Task AnnounceAsync(
        PrivateBridge network, PrivateNetwork privateNetwork, Plan plan, IReadOnlyDictionary<string, string> routes, IProgress<ReconcileEvent> progress, CancellationToken cancellationToken)
    {
        var changed = plan.Actions
            .Where(a => a.Kind is ActionKind.Create or ActionKind.Recreate && routes.ContainsKey(a.Name))
            .ToDictionary(a => routes[a.Name], a => a.Name, StringComparer.Ordinal);
        IReadOnlyList<(string Address, System.Net.NetworkInformation.PhysicalAddress? Hardware)> announced;
        try
        {
            announced = await network.AnnounceAsync(privateNetwork, changed.Keys, AnnounceTimeout, cancellationToken);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            // Without a packet socket (no CAP_NET_RAW) the services still learn the new MAC, only later: said, not fatal.
            progress.Report(new ReconcileEvent(EventKind.Warning, null, Messages.FormatAnnounceFailed(e.Message)));
            return;
        }

        foreach (var (address, hardware) in announced)
        {
            if (hardware is not null)
            {
                progress.Report(new ReconcileEvent(EventKind.Detail, changed[address], Messages.FormatNeighbourAnnounced(changed[address], address, PrivateBridge.FormatHardware(hardware))));
            }
        }
    }

    /// <summary>How long a service just started has to answer for its address before it is not announced.</summary>
    private static readonly TimeSpan AnnounceTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The root's DNS records: each service on the bridge at its address, and each service on the host's network (snap)
    /// at the bridge's gateway, where its own port_out is reached.
    /// </summary>
    internal static (string Name, string Address)[] NamedAddresses(DesiredState desired, PrivateNetwork privateNetwork, IReadOnlyDictionary<string, string>? routes = null) =>
        desired.Services
            .Where(s => s.Address is not null || (s.Name.Length > 0 && TechnologyModules.For(s.Technology).RunsOnHostNetwork(s.Technology)))
            .Select(s => (s.Name, routes?.GetValueOrDefault(s.Name) ?? s.Address ?? privateNetwork.Gateway))
            .ToArray();

    /// <summary>
    /// The DHCP reservations of the services whose technology takes its address by DHCP (qemu): the service's MAC at its
    /// address and, replaced without interruption, the MAC of <c>NAME.portique-next</c> at its second address (a VM never
    /// renames, so each name keeps its address: the kernel starts NAME whenever that name is free).
    /// </summary>
    /// <remarks>
    /// <paramref name="instances"/>: the instances the run knows of. A VM that runs keeps its reservation at the address
    /// it recorded even when the service no longer asks for that address (a VM put back by a rollback as
    /// <c>NAME.portique-next</c> after its service turned to <c>arret_prealable</c>): without it, dnsmasq would not
    /// renew its lease and the VM would lose its address, an hour later, while it serves.
    /// </remarks>
    public static (string Hardware, string Address)[] DhcpHosts(DesiredState desired, IEnumerable<ObservedService>? instances = null)
    {
        ArgumentNullException.ThrowIfNull(desired);
        static bool TakesAddressByDhcp(Technology technology) => TechnologyModules.For(technology).TakesAddressByDhcp(technology);
        List<(string Hardware, string Address)> reserved = [.. desired.Services
            .Where(s => s.Address is not null && TakesAddressByDhcp(s.Technology))
            .SelectMany(s => s.AlternateAddress is { } alternate
                ? new[] { (PrivateNetwork.GuestHardware(s.Name), s.Address!), (PrivateNetwork.GuestHardware(ServiceLifecycle.NextName(s.Name)), alternate) }
                : [(PrivateNetwork.GuestHardware(s.Name), s.Address!)])];
        foreach (var instance in instances ?? [])
        {
            // The technology first: an instance's address is read from its recorded spec.
            if (TakesAddressByDhcp(instance.Technology)
                && instance is { IsAside: false, State: InstanceState.Running, Address: { } address }
                && PrivateNetwork.GuestHardware(instance.InstanceName ?? instance.Name) is var hardware
                && !reserved.Any(r => r.Hardware == hardware || r.Address == address))
            {
                reserved.Add((hardware, address));
            }
        }

        return [.. reserved];
    }

    /// <summary>Every instance a plan compared with or found left over.</summary>
    private static IEnumerable<ObservedService> InstancesOf(Plan plan) =>
        plan.Actions.SelectMany(a => a.Observed is { } observed ? [observed, .. a.Leftovers] : a.Leftovers);

    /// <summary>
    /// The private network's addresses, and the swarm block's when a swarm service uses it, are free on this host: no
    /// route of another interface and no engine network holds them (an overlay or a podman network without a container
    /// has no route). The routes and the engines' networks are read once; each clash is said against its variable.
    /// </summary>
    private async Task EnsureNetworkIsFreeAsync(PrivateNetwork? privateNetwork, DesiredState desired, CancellationToken cancellationToken)
    {
        if (network is null || privateNetwork is null)
        {
            return;
        }

        var root = workspace.Root.Directory;
        var swarmBlock = PrivateNetwork.TryParse(desired.SwarmNetwork, out _);
        // Each block, the variable that sets it, its own bridge and the engine networks that are its own.
        var blocks = new List<(PrivateNetwork Block, string Variable, string Bridge, string? OwnNetworks)>
        {
            (privateNetwork, DesiredStateBuilder.NetworkVariable, network.Name, null),
        };
        if (swarmBlock is not null)
        {
            blocks.Add((swarmBlock, DesiredStateBuilder.SwarmNetworkVariable, PrivateNetwork.SwarmBridgeName(root), Technologies.Swarm.SwarmDriver.SwarmNetworkNameOf(root)));
        }

        var routes = await network.ListRoutesAsync(cancellationToken);
        foreach (var (block, variable, bridge, _) in blocks)
        {
            if (block.OverlappingRoutes(routes, bridge) is { Count: > 0 } overlapping)
            {
                throw new PreflightException([new Diagnostic(variable, Messages.FormatNetworkOverlapsRoutes(block.Cidr, string.Join(", ", overlapping)))]);
            }
        }

        var engines = await reconciler.ListEngineNetworksAsync(cancellationToken);
        foreach (var (block, variable, bridge, ownNetworks) in blocks)
        {
            var others = engines.Where(n => ownNetworks is null || !n.Name.StartsWith(ownNetworks, StringComparison.Ordinal));
            if (block.OverlappingRoutes(others.Select(n => (n.Subnet, n.Engine + " " + n.Name)), bridge) is { Count: > 0 } clashing)
            {
                throw new PreflightException([new Diagnostic(variable, Messages.FormatNetworkOverlapsEngines(block.Cidr, string.Join(", ", clashing)))]);
            }
        }
    }

    /// <summary>
    /// The engines' observation and the plan, started on the thread pool: it reads the engines while this thread renders
    /// the files, the two costs of a run that changes nothing. Only reads: nothing is changed before the plan is awaited,
    /// and a template error or an unknown owner still stops the run first (exit 2).
    /// </summary>
    private Task<(Plan Plan, IReadOnlyList<Diagnostic> Problems, IReadOnlyList<string> Warnings)> PlanBesideAsync(
        DesiredState desired, CancellationToken cancellationToken) =>
        Task.Run(() => reconciler.PlanAsync(desired, cancellationToken), cancellationToken);

    private (Configuration.EvaluatedConfiguration Configuration, ValidationReport Report) ValidateOrThrow()
    {
        var configuration = workspace.Evaluate();
        var report = workspace.Validate(configuration);
        if (report.Problems.Count > 0)
        {
            throw new ConfigurationInvalidException(report.Problems);
        }

        return (configuration, report);
    }

    /// <summary>The self-signed pair being made while the services start; the first frontend step to see it created says so.</summary>
    private sealed class CertificateAhead(Task<SelfSignedCertificate> making)
    {
        private int _reported;

        public Task<SelfSignedCertificate> Making => making;

        public bool FirstToReport() => Interlocked.Exchange(ref _reported, 1) == 0;
    }
}
