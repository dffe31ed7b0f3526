using System.Runtime.CompilerServices;
using Portique.Core;

namespace Portique.Planning.Tests;

/// <summary>An in-memory engine: a list of instances, with switches to make fetch or health fail.</summary>
internal sealed class FakeDriver(params Technology[] technologies) : IServiceDriver
{
    private readonly Lock _gate = new();
    private int _nextId;

    public List<ObservedService> Instances { get; } = [];

    public List<string> Calls { get; } = [];

    public HashSet<string> FailingFetches { get; } = [];

    public HashSet<string> CrashingTags { get; } = [];

    public string? Unavailable { get; set; }

    /// <summary>When set, every rename fails with this message.</summary>
    public string? FailingRename { get; set; }

    public string? ForeignHolder { get; set; }

    public Dictionary<string, string> Artifacts { get; } = [];

    public IReadOnlySet<Technology> Technologies { get; } = technologies.ToHashSet();

    public int AvailabilityChecks { get; private set; }

    /// <summary>Called while waiting for a new instance's health (e.g. to cancel the run at that moment).</summary>
    public Action? WhileWaitingForHealth { get; set; }

    /// <summary>Completed when <see cref="ConnectAheadAsync"/> is called.</summary>
    public TaskCompletionSource ConnectedAhead { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task ConnectAheadAsync(CancellationToken cancellationToken)
    {
        ConnectedAhead.TrySetResult();
        return Task.CompletedTask;
    }

    /// <summary>Awaited at the start of each availability check (an engine slow to answer).</summary>
    public Func<CancellationToken, Task>? BeforeAvailability { get; set; }

    /// <summary>Completed when the availability check starts.</summary>
    public TaskCompletionSource AvailabilityAsked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>When set, listing fails with this message.</summary>
    public string? FailingList { get; set; }

    public async Task<string?> CheckAvailabilityAsync(CancellationToken cancellationToken)
    {
        AvailabilityAsked.TrySetResult();
        if (BeforeAvailability is { } before)
        {
            await before(cancellationToken);
        }

        lock (_gate)
        {
            AvailabilityChecks++;
            return Unavailable;
        }
    }

    public Task<IReadOnlyList<ObservedService>> ListOwnedAsync(CancellationToken cancellationToken)
    {
        if (FailingList is { } failure)
        {
            throw new RuntimeFailureException(failure);
        }

        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<ObservedService>>(Instances.ToList());
        }
    }

    public Task<string?> FindForeignHolderAsync(string name, CancellationToken cancellationToken) => Task.FromResult(ForeignHolder);

    /// <summary>Whether the fake answers <see cref="IServiceDriver.FindLocalArtifactsAsync"/> in one call, as docker does.</summary>
    public bool ListsLocalArtifacts { get; set; }

    public Task<IReadOnlyDictionary<string, string>> FindLocalArtifactsAsync(IReadOnlyList<ServiceSpec> specs, CancellationToken cancellationToken)
    {
        if (!ListsLocalArtifacts)
        {
            return Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>());
        }

        lock (_gate)
        {
            Calls.Add($"list artifacts {string.Join(",", specs.Select(s => s.Name))}");
        }

        return Task.FromResult<IReadOnlyDictionary<string, string>>(specs.ToDictionary(s => s.Name, s => Artifacts.GetValueOrDefault(s.Tag, "sha256:aaaa")));
    }

    public int ConcurrentChanges { get; set; } = 8;

    /// <summary>How long a fetch takes (0: at once); <see cref="MostFetchesAtOnce"/> counts the fetches that overlapped.</summary>
    public TimeSpan FetchDuration { get; set; }

    public int MostFetchesAtOnce { get; private set; }

    private int _fetching;

    public async Task<string> FetchAsync(ServiceSpec spec, bool refresh, IProgress<string> progress, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Calls.Add($"fetch {spec.Name}");
            MostFetchesAtOnce = Math.Max(MostFetchesAtOnce, ++_fetching);
        }

        try
        {
            if (FetchDuration > TimeSpan.Zero)
            {
                await Task.Delay(FetchDuration, cancellationToken);
            }
        }
        finally
        {
            lock (_gate)
            {
                _fetching--;
            }
        }

        if (FailingFetches.Contains(spec.Tag))
        {
            throw new RuntimeFailureException($"pull of {spec.Url}:{spec.Tag} failed");
        }

        return Artifacts.GetValueOrDefault(spec.Tag, "sha256:aaaa");
    }

    public Task<ObservedService> CreateAsync(ServiceSpec spec, string artifactId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Calls.Add($"create {spec.Name}");
            var instance = Specs.Running(spec, id: $"new{++_nextId}", artifact: artifactId) with
            {
                State = CrashingTags.Contains(spec.Tag) ? InstanceState.Stopped : InstanceState.Running,
            };
            Instances.Add(instance);
            return Task.FromResult(instance);
        }
    }

    /// <summary>Whether the fake can start a new instance beside the running one (<see cref="IServiceDriver.StartsBeside"/>).</summary>
    public bool Beside { get; set; }

    public bool StartsBeside => Beside;

    /// <summary>Recorded as "create beside NAME at ADDRESS"; the instance is named NAME.portique-next while NAME is taken.</summary>
    public Task<ObservedService> CreateBesideAsync(ServiceSpec spec, string artifactId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Calls.Add($"create beside {spec.Name} at {spec.Address}");
            var taken = Instances.Any(i => i.Name == spec.Name && i.InstanceName is null && !i.IsAside);
            var instance = Specs.Running(spec, id: $"new{++_nextId}", artifact: artifactId) with
            {
                State = CrashingTags.Contains(spec.Tag) ? InstanceState.Stopped : InstanceState.Running,
                InstanceName = taken ? ServiceLifecycle.NextName(spec.Name) : null,
            };
            Instances.Add(instance);
            return Task.FromResult(instance);
        }
    }

    /// <summary>Whether the fake updates its instances in place, as a swarm of several nodes does (<see cref="IServiceDriver.UpdatesInPlace"/>).</summary>
    public bool InPlace { get; set; }

    public bool UpdatesInPlace(ObservedService old, ServiceSpec desired) => InPlace;

    /// <summary>Recorded as "update NAME in place"; a crashing tag is rolled back by the engine: the old instance stays as it was.</summary>
    public Task<ObservedService> UpdateInPlaceAsync(ObservedService old, ServiceSpec desired, string artifactId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Calls.Add($"update {desired.Name} in place");
            if (CrashingTags.Contains(desired.Tag))
            {
                throw new RuntimeFailureException($"the engine rolled {desired.Name} back");
            }

            var updated = Specs.Running(desired, id: old.InstanceId ?? "c1", artifact: artifactId);
            Replace(old, updated);
            return Task.FromResult(updated);
        }
    }

    /// <summary>Recorded as "take name NAME".</summary>
    public Task<ObservedService> TakeServiceNameAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Calls.Add($"take name {instance.Name}");
            var named = instance with { InstanceName = null };
            Replace(instance, named);
            return Task.FromResult(named);
        }
    }

    public Task StartAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Calls.Add($"start {instance.Name}");
            Replace(instance, instance with { State = InstanceState.Running });
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Calls.Add($"stop {instance.Name}");
            Replace(instance, instance with { State = InstanceState.Stopped });
        }

        return Task.CompletedTask;
    }

    /// <summary>Recorded as "aside NAME" (given its aside name) or "restore NAME" (given its name back).</summary>
    public Task<ObservedService> RenameAsync(ObservedService instance, bool aside, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Calls.Add($"{(aside ? "aside" : "restore")} {instance.Name}");
            if (FailingRename is { } failure)
            {
                throw new RuntimeFailureException(failure);
            }

            var current = Instances.SingleOrDefault(i => i.InstanceId == instance.InstanceId)
                ?? throw new InstanceMissingException($"{instance.Name}: no such instance");
            var renamed = current with { IsAside = aside };
            Replace(instance, renamed);
            return Task.FromResult(renamed);
        }
    }

    public Task RemoveAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Calls.Add($"remove {instance.Name}");
            Instances.RemoveAll(i => i.InstanceId == instance.InstanceId);
            return Task.CompletedTask;
        }
    }

    /// <summary>Instant answers: no grace period to sit through, a poll every millisecond (a test may set others).</summary>
    public LifecycleOptions Lifecycle { get; set; } = new() { StartupGrace = TimeSpan.Zero, HealthPollInterval = TimeSpan.FromMilliseconds(1) };

    public Task<InstanceObservation> ObserveAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        WhileWaitingForHealth?.Invoke();
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var current = Instances.SingleOrDefault(i => i.InstanceId == instance.InstanceId)
                ?? throw new InstanceMissingException($"{instance.Name}: no such instance");
            return Task.FromResult(new InstanceObservation(current.State == InstanceState.Running ? EngineHealth.Running : EngineHealth.NotRunning)
            {
                StartedAt = current.InstanceId,
            });
        }
    }

    public async IAsyncEnumerable<LogLine> OpenLogAsync(string name, LogRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        yield return new LogLine("boom: exiting");
    }

    private void Replace(ObservedService before, ObservedService after)
    {
        var index = Instances.FindIndex(i => i.InstanceId == before.InstanceId);
        Instances[index] = after;
    }
}

/// <summary>A host where every port is free unless listed, and every published port answers unless listed as silent.</summary>
internal sealed class FakeHost : IHostProbe
{
    public HashSet<int> BusyPorts { get; } = [];

    /// <summary>Ports where the instance runs but nothing accepts a connection.</summary>
    public HashSet<int> SilentPorts { get; } = [];

    /// <summary>Every port probed for connections, in order.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<int> Probed { get; } = new();

    public bool IsPortFree(string address, int port, PortProtocol protocol = PortProtocol.Tcp) => !BusyPorts.Contains(port);

    public Task<bool> AcceptsConnectionsAsync(string address, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Probed.Enqueue(port);
        return Task.FromResult(!SilentPorts.Contains(port));
    }
}
