using System.Runtime.CompilerServices;
using Portique.Core;
using Portique.Planning;

namespace Portique.Planning.Tests;

/// <summary>An in-memory engine: a list of instances, with switches to make fetch or health fail.</summary>
internal sealed class FakeDriver(params Technology[] technologies) : IServiceDriver
{
    private readonly Lock gate = new();
    private int nextId;

    public List<ObservedService> Instances { get; } = [];

    public List<string> Calls { get; } = [];

    public HashSet<string> FailingFetches { get; } = [];

    public HashSet<string> CrashingTags { get; } = [];

    public string? Unavailable { get; set; }

    public string? ForeignHolder { get; set; }

    public Dictionary<string, string> Artifacts { get; } = [];

    public IReadOnlySet<Technology> Technologies { get; } = technologies.ToHashSet();

    public int AvailabilityChecks { get; private set; }

    /// <summary>Called while waiting for a new instance's health (e.g. to cancel the run at that moment).</summary>
    public Action? WhileWaitingForHealth { get; set; }

    public Task<string?> CheckAvailabilityAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            AvailabilityChecks++;
            return Task.FromResult(Unavailable);
        }
    }

    public Task<IReadOnlyList<ObservedService>> ListOwnedAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult<IReadOnlyList<ObservedService>>(Instances.ToList());
        }
    }

    public Task<string?> FindForeignHolderAsync(string name, CancellationToken cancellationToken) => Task.FromResult(ForeignHolder);

    public Task<string> FetchAsync(ServiceSpec spec, bool refresh, IProgress<string> progress, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            Calls.Add($"fetch {spec.Name}");
        }

        if (FailingFetches.Contains(spec.Tag))
        {
            throw new RuntimeFailureException($"pull of {spec.Url}:{spec.Tag} failed");
        }

        return Task.FromResult(Artifacts.GetValueOrDefault(spec.Tag, "sha256:aaaa"));
    }

    public Task<ObservedService> CreateAsync(ServiceSpec spec, string artifactId, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            Calls.Add($"create {spec.Name}");
            var instance = Specs.Running(spec, id: $"new{++nextId}", artifact: artifactId) with
            {
                State = CrashingTags.Contains(spec.Tag) ? InstanceState.Stopped : InstanceState.Running,
            };
            Instances.Add(instance);
            return Task.FromResult(instance);
        }
    }

    public Task StartAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            Calls.Add($"start {instance.Name}");
            Replace(instance, instance with { State = InstanceState.Running });
        }

        return Task.CompletedTask;
    }

    public Task<ObservedService> SetAsideAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            Calls.Add($"aside {instance.Name}");
            var aside = instance with { IsAside = true, State = InstanceState.Stopped };
            Replace(instance, aside);
            return Task.FromResult(aside);
        }
    }

    public Task<ObservedService> RestoreAsync(ObservedService aside, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            Calls.Add($"restore {aside.Name}");
            var restored = aside with { IsAside = false, State = InstanceState.Running };
            Replace(aside, restored);
            return Task.FromResult(restored);
        }
    }

    public Task RemoveAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            Calls.Add($"remove {instance.Name}");
            Instances.RemoveAll(i => i.InstanceId == instance.InstanceId);
            return Task.CompletedTask;
        }
    }

    public Task<EngineHealth> CheckHealthAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            var current = Instances.Single(i => i.InstanceId == instance.InstanceId);
            return Task.FromResult(current.State == InstanceState.Running ? EngineHealth.Running : EngineHealth.NotRunning);
        }
    }

    public Task<EngineHealth> WaitForHealthAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        WhileWaitingForHealth?.Invoke();
        cancellationToken.ThrowIfCancellationRequested();
        return CheckHealthAsync(instance, cancellationToken);
    }

    public Task<IReadOnlyList<string>> ReadLogsAsync(string name, int tail, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(["boom: exiting"]);

    public async IAsyncEnumerable<string> FollowLogsAsync(string name, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        yield return "boom: exiting";
    }

    private void Replace(ObservedService before, ObservedService after)
    {
        var index = Instances.FindIndex(i => i.InstanceId == before.InstanceId);
        Instances[index] = after;
    }
}

/// <summary>A host where every port is free unless listed, and every published port answers.</summary>
internal sealed class FakeHost : IHostProbe
{
    public HashSet<int> BusyPorts { get; } = [];

    public bool IsPortFree(string address, int port) => !BusyPorts.Contains(port);

    public Task<bool> AcceptsConnectionsAsync(string address, int port, TimeSpan timeout, CancellationToken cancellationToken) =>
        Task.FromResult(true);
}
