using System.Globalization;
using System.Net;
using Docker.DotNet.Models;
using Portique.Core;
using Portique.Planning;
using ServiceSpec = Portique.Planning.ServiceSpec;

namespace Portique.Technologies.Swarm;

/// <summary>A swarm of several nodes (docs/multi-host.md): where tasks are reached, what every node must be able to do.</summary>
public sealed partial class SwarmDriver
{
    /// <summary>The swarm's nodes, read once per run (forgotten at each <see cref="CheckAvailabilityAsync"/>, which starts every run).</summary>
    private IReadOnlyList<NodeListResponse>? _nodes;

    /// <summary>The node this driver's dockerd runs (the manager Portique talks to), read with the nodes.</summary>
    private string? _selfNodeId;

    /// <summary>How many nodes the swarm had when its availability was checked (null: not checked yet).</summary>
    private long? _nodeCount;

    /// <summary>
    /// Every node's address when the swarm has more than one node, sorted; empty for a single node (its tasks are reached
    /// on this host, as before). Drained and unreachable nodes are kept: a task may come back to them, and nginx passes
    /// over a node that refuses or does not answer.
    /// </summary>
    public async Task<IReadOnlyList<string>> ListServingNodesAsync(CancellationToken cancellationToken)
    {
        var nodes = await ListNodesAsync(cancellationToken);
        return nodes.Count < 2
            ? []
            : nodes.Select(NodeAddress).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>
    /// On a swarm of several nodes, an image from a registry only this host reaches (<c>localhost</c>, <c>127.0.0.0/8</c>,
    /// <c>::1</c>) is refused: the other nodes would never pull it.
    /// </summary>
    public async Task<IReadOnlyList<string>> CheckPlacementAsync(ServiceSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!IsLoopbackRegistry(RegistryHost(spec)))
        {
            return [];
        }

        var nodes = await ListNodesAsync(cancellationToken);
        return nodes.Count < 2
            ? []
            : [Messages.FormatRegistryOnlyHere(nodes.Count, ImageReference(spec), RegistryHost(spec), spec.Index)];
    }

    /// <summary>
    /// On a swarm of several nodes, the first published port at the address of a node one of the service's tasks runs on
    /// (the tasks publish on their own node, not on this host); else <see cref="ServiceSpec.HealthEndpoint"/>.
    /// </summary>
    public async Task<(string Host, int Port)?> HealthEndpointAsync(ObservedService instance, ServiceSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.HealthEndpoint is not { } here || instance.InstanceId is not { } serviceId)
        {
            return spec.HealthEndpoint;
        }

        var nodes = await ListNodesAsync(cancellationToken);
        if (nodes.Count < 2)
        {
            return here;
        }

        var tasks = await _api.Tasks.ListAsync([serviceId], cancellationToken);
        var address = tasks.Where(IsRunning)
            .Select(task => nodes.FirstOrDefault(node => node.ID == task.NodeID))
            .OfType<NodeListResponse>()
            .Select(NodeAddress)
            .OfType<string>()
            .FirstOrDefault();
        return address is null ? here : (address, here.Port);
    }

    /// <summary>The host part of the registry an image is pulled from, null for Docker Hub.</summary>
    internal static string? RegistryHost(ServiceSpec spec)
    {
        var name = RepositoryName(spec);
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return null;
        }

        // docker's rule: the first component is a registry when it has a dot or a port, or is localhost.
        var first = name[..slash];
        return first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost" ? first : null;
    }

    internal static bool IsLoopbackRegistry(string? registry)
    {
        if (registry is null)
        {
            return false;
        }

        var host = registry.StartsWith('[') ? registry[1..registry.IndexOf(']', StringComparison.Ordinal)]
            : registry.Count(c => c == ':') == 1 ? registry[..registry.IndexOf(':', StringComparison.Ordinal)]
            : registry;
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address);
    }

    /// <summary>
    /// A node's address: the one it advertises, else (a manager may report <c>0.0.0.0</c>) its manager address; null when
    /// neither is an IP address (never given to nginx).
    /// </summary>
    internal static string? NodeAddress(NodeListResponse node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (IPAddress.TryParse(node.Status?.Addr, out var advertised) && !advertised.Equals(IPAddress.Any) && !advertised.Equals(IPAddress.IPv6Any))
        {
            return advertised.ToString();
        }

        var manager = node.ManagerStatus?.Addr;
        var colon = manager?.LastIndexOf(':') ?? -1;
        return colon > 0 && IPAddress.TryParse(manager![..colon].Trim('[', ']'), out var address) && !address.Equals(IPAddress.Any) ? address.ToString() : null;
    }

    /// <summary>
    /// Whether the service's tasks must stay on the node Portique talks to: they bind host directories (volumes,
    /// secrets), or they join the root's private network, whose second bridge exists on this host only.
    /// </summary>
    internal static bool IsPinned(ServiceSpec spec) =>
        spec.Volumes.Count > 0 || spec.Secrets.Count > 0 || SwarmSettings.Of(spec).Network is not null;

    /// <summary>
    /// The constraint that keeps a <see cref="IsPinned"/> service's tasks on the node Portique talks to:
    /// <c>node.id==ID</c>; null for the others.
    /// </summary>
    internal static string? PinningConstraint(ServiceSpec spec, string? selfNodeId) =>
        selfNodeId is { Length: > 0 } && IsPinned(spec)
            ? string.Create(CultureInfo.InvariantCulture, $"node.id=={selfNodeId}")
            : null;

    /// <summary>
    /// On a swarm of several nodes, a running swarm service without host directories is replaced by swarm itself, task by
    /// task (<see cref="UpdateInPlaceAsync"/>): nginx sends each request to the nodes whose task is not being replaced.
    /// </summary>
    public bool UpdatesInPlace(ObservedService old, ServiceSpec desired)
    {
        ArgumentNullException.ThrowIfNull(old);
        ArgumentNullException.ThrowIfNull(desired);
        return _nodeCount > 1 && !old.IsAside && old.State == InstanceState.Running && old.InstanceId is { Length: > 0 }
            && old.Technology == SwarmModule.Swarm && desired.Technology == SwarmModule.Swarm
            && !IsPinned(desired);
    }

    /// <summary>
    /// Swarm's own rolling update: one task at a time, a new one started before the old one stops when a node is free for
    /// it (<see cref="UpdateOrder"/>), else each stopped then started again on its node, watched for
    /// <see cref="SwarmDriverOptions.UpdateMonitor"/>; a task that
    /// fails rolls the whole service back to its previous spec, which swarm restores task by task. Waits for the update to
    /// end: completed, the service as it now is; rolled back or paused, a <see cref="RuntimeFailureException"/> with
    /// swarm's reason (the previous version serves).
    /// </summary>
    public async Task<ObservedService> UpdateInPlaceAsync(ObservedService old, ServiceSpec desired, string artifactId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(old);
        ArgumentNullException.ThrowIfNull(desired);
        var service = await ResolveOwnedAsync(old, cancellationToken);
        var previous = service.UpdateStatus?.StartedAt;
        var spec = BuildServiceSpec(desired, artifactId, OwnershipLabels(desired));
        spec.TaskTemplate!.ForceUpdate = (service.Spec?.TaskTemplate?.ForceUpdate ?? 0) + 1;
        var order = await UpdateOrderAsync(desired, cancellationToken);
        spec.UpdateConfig = new SwarmUpdateConfig
        {
            Parallelism = 1,
            Order = order,
            FailureAction = "rollback",
            Monitor = Options.UpdateMonitor,
            MaxFailureRatio = 0,
        };
        spec.RollbackConfig = new SwarmUpdateConfig { Parallelism = 1, Order = "stop-first", FailureAction = "pause", Monitor = Options.UpdateMonitor };
        await _api.Services.UpdateAsync(
            service.ID,
            new ServiceUpdateParameters { Service = spec, Version = (long)(service.Version?.Index ?? 0) },
            m => Messages.FormatUpdateFailed(desired.Name, m),
            cancellationToken);

        var deadline = Options.Time.GetUtcNow() + Options.UpdateTimeout;
        while (true)
        {
            await Task.Delay(Options.HealthPollInterval, Options.Time, cancellationToken);
            var now = await _api.Services.TryInspectAsync(service.ID, cancellationToken)
                ?? throw new InstanceMissingException(Messages.FormatServiceNotFound(service.ID, Root.Directory));
            var status = now.UpdateStatus;
            var ours = status is not null && status.StartedAt != previous;
            switch (ours ? status!.State : null)
            {
                case "completed":
                    var tasks = await _api.Tasks.ListAsync([now.ID], cancellationToken);
                    return ToObserved(now, tasks) with { State = InstanceState.Running };
                case "rollback_completed":
                    throw new RuntimeFailureException(Messages.FormatUpdateRolledBack(desired.Name, status!.Message ?? "?"));
                case "paused" or "rollback_paused":
                    throw new RuntimeFailureException(Messages.FormatUpdatePaused(desired.Name, status!.State, status.Message ?? "?"));
            }

            if (Options.Time.GetUtcNow() >= deadline)
            {
                throw new RuntimeFailureException(Messages.FormatUpdateTimeout(desired.Name, Options.UpdateTimeout.TotalSeconds, status?.State ?? "?"));
            }
        }
    }

    /// <summary>
    /// <c>start-first</c> when a new task can always start before an old one stops: the service publishes no host port, or
    /// it has fewer replicas than there are active, ready nodes and no constraint that could exclude the free one. Else
    /// <c>stop-first</c>: a host port cannot be bound twice on a node, and a start-first update would wait forever.
    /// </summary>
    internal static string UpdateOrder(ServiceSpec desired, IReadOnlyList<NodeListResponse> nodes)
    {
        ArgumentNullException.ThrowIfNull(desired);
        ArgumentNullException.ThrowIfNull(nodes);
        if (desired.Ports.Count == 0)
        {
            return StartFirst;
        }

        var usable = nodes.Count(n => n.Spec?.Availability == "active" && n.Status?.State == "ready");
        return SwarmSettings.Of(desired).Constraints is null && SwarmSettings.Of(desired).Replicas < usable ? StartFirst : StopFirst;
    }

    private const string StartFirst = "start-first";
    private const string StopFirst = "stop-first";

    private async Task<string> UpdateOrderAsync(ServiceSpec desired, CancellationToken cancellationToken) =>
        UpdateOrder(desired, await ListNodesAsync(cancellationToken));

    /// <summary>The service's constraints (<c>conteneurN_contraintes</c>) and the pinning, all to be met; null when none.</summary>
    internal static Placement? PlacementOf(ServiceSpec spec, string? pinning)
    {
        var constraints = (SwarmSettings.Of(spec).Constraints ?? []).Concat(pinning is null ? [] : [pinning]).ToList();
        return constraints.Count == 0 ? null : new Placement { Constraints = constraints };
    }

    private async Task<IReadOnlyList<NodeListResponse>> ListNodesAsync(CancellationToken cancellationToken)
    {
        if (_nodes is null)
        {
            if (_selfNodeId is null)
            {
                var info = await _api.CallAsync((client, ct) => client.System.GetSystemInfoAsync(ct), Messages.FormatNodesListFailed, cancellationToken);
                _selfNodeId = info.Swarm?.NodeID;
            }

            _nodes = (await _api.CallAsync((client, ct) => client.Swarm.ListNodesAsync(ct), Messages.FormatNodesListFailed, cancellationToken)).ToArray();
        }

        return _nodes;
    }

    /// <summary>
    /// The tasks meant to run (and those running), each with its node's host name (its id when the node is unknown) and
    /// its state, by node; empty without <paramref name="nodes"/> (a single node: nothing to tell).
    /// </summary>
    internal static IReadOnlyList<TaskPlacement> Placements(IEnumerable<TaskResponse> tasks, IReadOnlyList<NodeListResponse> nodes) =>
        nodes.Count == 0
            ? []
            : tasks
                .Where(t => t.DesiredState == TaskState.Running || t.Status?.State == TaskState.Running)
                .Select(t => new TaskPlacement(
                    nodes.FirstOrDefault(n => n.ID == t.NodeID)?.Description?.Hostname is { Length: > 0 } host ? host
                        : string.IsNullOrEmpty(t.NodeID) ? "—" : t.NodeID[..Math.Min(12, t.NodeID.Length)],
                    (t.Status?.State ?? TaskState.New).ToString().ToLowerInvariant()))
                .OrderBy(p => p.Node, StringComparer.Ordinal)
                .ThenBy(p => p.State, StringComparer.Ordinal)
                .ToArray();

    /// <summary>The id of the node Portique talks to (null when the engine does not say).</summary>
    private async Task<string?> SelfNodeIdAsync(CancellationToken cancellationToken)
    {
        await ListNodesAsync(cancellationToken);
        return _selfNodeId;
    }
}
