using Portique.Core;
using Portique.Orchestration.Resources;
using Portique.Planning;

namespace Portique.Orchestration;

/// <summary>
/// One line of <c>portique status</c>; <see cref="Address"/> is the private address of the instance serving (network on:
/// either of its two addresses, docs/replacement.md), omitted from JSON otherwise; <see cref="Tasks"/>, where a swarm of
/// several nodes runs the service's tasks (docs/multi-host.md), omitted otherwise.
/// </summary>
public sealed record ServiceStatus(
    string Name,
    string Technology,
    string State,
    string? Version,
    IReadOnlyList<PortMapping> Ports,
    string? Url,
    bool Configured,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Address = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] UpdateCheck? Update = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Limits = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<TaskPlacement>? Tasks = null)
{
    /// <summary>The tasks as one text, <c>node: state</c> each (a swarm of several nodes), else null.</summary>
    public string? TasksText => Tasks is { Count: > 0 } tasks ? string.Join(", ", tasks.Select(t => $"{t.Node}: {t.State}")) : null;
}

/// <summary>Reads what runs against what is configured; never changes anything.</summary>
public sealed class StatusReader(Workspace workspace, Reconciler reconciler)
{
    /// <param name="updates">Also compare each running image with its registry's digest for the same tag (<c>--updates</c>).</param>
    public async Task<(IReadOnlyList<ServiceStatus> Services, IReadOnlyList<string> Warnings)> ReadAsync(CancellationToken cancellationToken, bool updates = false)
    {
        reconciler.ConnectAhead(cancellationToken);
        var configuration = workspace.Evaluate();
        var (desired, _) = DesiredStateBuilder.Build(configuration);
        // The engines are read on the thread pool while this thread validates: the two costs of a status.
        var observing = Task.Run(() => reconciler.ObserveAsync(desired, cancellationToken), cancellationToken);
        // What the configuration gets wrong is said too (status still shows what runs): never a silent bad value.
        var invalid = workspace.Validate(configuration).Problems.Where(p => !p.IsIncomplete).ToArray();
        var (observed, problems, warnings) = await observing;
        var host = configuration.Find("frontal_nom_serveur")?.Values.FirstOrDefault() is { Length: > 0 } name && name != "_" ? name : "127.0.0.1";
        var port = configuration.Find("frontal_port_http")?.Values.FirstOrDefault() ?? "80";
        var baseUrl = port == "80" ? $"http://{host}" : $"http://{host}:{port}";

        var statuses = new List<ServiceStatus>();
        ObservedService? InstanceOf(ServiceSpec spec) =>
            observed.FirstOrDefault(o => o.Name == spec.Name && !o.IsAside && o.Technology == spec.Technology)
                ?? observed.FirstOrDefault(o => o.Name == spec.Name && !o.IsAside);

        // Current use against the limits: asked only for running services with limits, all at once (a sample takes dockerd about a second).
        var usages = await Task.WhenAll(desired.Services.Select(spec => UsageAsync(spec, InstanceOf(spec), cancellationToken)));
        foreach (var (spec, usage) in desired.Services.Zip(usages))
        {
            var instance = InstanceOf(spec);
            statuses.Add(new ServiceStatus(
                spec.Name,
                spec.Technology.Name,
                instance is null ? "absent" : instance.State.ToString().ToLowerInvariant(),
                instance?.Version,
                instance?.Ports.Count > 0 ? instance.Ports : spec.Ports,
                HasWebRoute(configuration, spec) ? $"{baseUrl}/{spec.Name}/" : null,
                Configured: true,
                Address: instance?.Address ?? spec.Address,
                Update: updates ? await CheckUpdateAsync(spec, instance, cancellationToken) : null,
                Limits: UsageText.Of(spec, usage),
                Tasks: instance?.Tasks is { Count: > 0 } tasks ? tasks : null));
        }

        foreach (var instance in observed.Where(o => desired.Services.All(s => s.Name != o.Name)))
        {
            statuses.Add(new ServiceStatus(
                instance.Name,
                instance.Technology.Name,
                (instance.IsAside ? "aside, " : "") + instance.State.ToString().ToLowerInvariant(),
                instance.Version,
                instance.Ports,
                null,
                Configured: false,
                Tasks: instance.Tasks is { Count: > 0 } tasks ? tasks : null));
        }

        return (statuses, [.. invalid.Select(p => p.ToString()), .. problems.Select(p => p.ToString()), .. warnings]);
    }

    /// <summary>
    /// Whether nginx publishes <c>/name/</c> for the service, as <c>portique-service.conf</c> decides: a port to route
    /// to (network on: a <c>port_in</c>; off: a <c>port_out</c>; never a UDP one) and <c>conteneurN_route_web</c> not <c>non</c>.
    /// </summary>
    private static bool HasWebRoute(Configuration.EvaluatedConfiguration configuration, ServiceSpec spec) =>
        (spec.TcpPorts.Any() || (spec.Address is not null && spec.InternalPorts.Count > 0))
        && configuration.Find($"conteneur{spec.Index.ToString(System.Globalization.CultureInfo.InvariantCulture)}_route_web")?.Values.FirstOrDefault() != "non";

    /// <summary>The instance's use when it runs, has limits and its engine reports use; else null (shown as —).</summary>
    private async Task<ResourceUsage?> UsageAsync(ServiceSpec spec, ObservedService? instance, CancellationToken cancellationToken) =>
        spec.MemoryBytes is null && spec.Cpus is null
            || instance is not { State: InstanceState.Running }
            || reconciler.DriverFor(instance.Technology) is not IUsageReader reader
            ? null
            : await reader.ReadUsageAsync(instance, cancellationToken);

    /// <summary>
    /// The update notice of one configured service: its driver's comparison when the technology has registry digests,
    /// else "not applicable"; a service with no instance has nothing to compare.
    /// </summary>
    private async Task<UpdateCheck> CheckUpdateAsync(ServiceSpec spec, ObservedService? instance, CancellationToken cancellationToken)
    {
        if (reconciler.DriverFor(instance?.Technology ?? spec.Technology) is not IUpdateChecker checker)
        {
            return new UpdateCheck(UpdateState.NotApplicable, Messages.FormatUpdatesNotApplicable((instance?.Technology ?? spec.Technology).Name));
        }

        if (instance is null || instance.Technology != spec.Technology)
        {
            return new UpdateCheck(UpdateState.NotApplicable, Messages.UpdatesNoInstance);
        }

        return await checker.CheckUpdateAsync(spec, instance, cancellationToken);
    }

    /// <summary>The driver that holds a service's instance (desired technology first), for <c>logs</c>.</summary>
    public async Task<IServiceDriver> DriverForAsync(string name, CancellationToken cancellationToken)
    {
        var configuration = workspace.Evaluate();
        var (desired, _) = DesiredStateBuilder.Build(configuration);
        var spec = desired.Services.FirstOrDefault(s => s.Name == name);
        var (observed, _, _) = await reconciler.ObserveAsync(new DesiredState([]), cancellationToken);
        var technology = observed.FirstOrDefault(o => o.Name == name && !o.IsAside)?.Technology ?? spec?.Technology;
        return technology is { } t && reconciler.DriverFor(t) is { } driver
            ? driver
            : throw new InvalidInputException(name, Messages.NoSuchService);
    }
}
