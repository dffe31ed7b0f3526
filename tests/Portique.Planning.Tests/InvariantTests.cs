using FsCheck.Xunit;

namespace Portique.Planning.Tests;

/// <summary>
/// Invariants of planning, checked over random desired and observed states (FsCheck draws the seed; a failure
/// prints it, and the same seed rebuilds the same states).
/// </summary>
public class InvariantTests
{
    private static readonly Technology[] Engines = [TestTechnologies.Docker, TestTechnologies.DockerGit, TestTechnologies.Podman];

    /// <summary>A random spec: every field the canonical form holds takes a random value.</summary>
    private static ServiceSpec RandomSpec(Random random, string name, int index) => new()
    {
        Index = index,
        Name = name,
        Technology = Engines[random.Next(Engines.Length)],
        Url = "team/app" + random.Next(3),
        Tag = random.Next(3) switch { 0 => "latest", 1 => "1.0", _ => "2." + random.Next(5) },
        Repository = random.Next(2) == 0 ? "" : "127.0.0.1:5000",
        Ports = Enumerable.Range(0, random.Next(3)).Select(i => new PortMapping(20000 + (index * 10) + i, 8080 + random.Next(2))).ToArray(),
        Volumes = Enumerable.Range(0, random.Next(3)).Select(i => new VolumeMapping($"/srv/{name}/{i}", "/data" + i)).ToArray(),
        Environment = Enumerable.Range(0, random.Next(3)).Select(i => $"K{i}=v{random.Next(4)}").ToArray(),
        KeepPrefix = random.Next(2) == 0,
        PublishAddress = random.Next(2) == 0 ? "0.0.0.0" : "127.0.0.1",
        Settings = random.Next(3) switch { 0 => null, 1 => new ExampleSettings { Replicas = 2 }, _ => new ExampleSettings { Replicas = 2, Extra = "x" } },
    };

    private static DesiredState RandomDesired(Random random)
    {
        var names = Enumerable.Range(1, 6).Select(i => "svc" + i).Where(_ => random.Next(3) > 0).ToList();
        return new DesiredState(names.Select((name, i) => RandomSpec(random, name, i + 1)).ToArray());
    }

    /// <summary>What an engine could report: matching, drifted, stopped, set aside, in another engine, or unknown names.</summary>
    private static List<ObservedService> RandomObserved(Random random, DesiredState desired)
    {
        var observed = new List<ObservedService>();
        var names = desired.Services.Select(s => s.Name).Concat(["gone1", "gone2"]);
        foreach (var name in names)
        {
            for (var copies = random.Next(3); copies > 0; copies--)
            {
                var spec = desired.Services.FirstOrDefault(s => s.Name == name) ?? RandomSpec(random, name, 9);
                if (random.Next(3) == 0)
                {
                    spec = RandomSpec(random, name, spec.Index);
                }

                observed.Add(Specs.Running(spec, id: $"{name}-{observed.Count}", artifact: "sha256:aaaa") with
                {
                    State = random.Next(3) == 0 ? InstanceState.Stopped : InstanceState.Running,
                    IsAside = random.Next(4) == 0,
                    Technology = random.Next(4) == 0 ? Engines[random.Next(Engines.Length)] : spec.Technology,
                });
            }
        }

        return observed;
    }

    /// <summary>A plan as text: every action, its reasons, the instances it acts on, its leftovers.</summary>
    private static string Describe(Plan plan) => string.Join("\n", plan.Actions.Select(a =>
        $"{a.Name} {a.Kind} [{string.Join("; ", a.Reasons)}] desired={a.Desired?.SpecHash()} observed={a.Observed?.InstanceId} " +
        $"leftovers={string.Join(",", a.Leftovers.Select(l => l.InstanceId))}"));

    [Property(MaxTest = 300)]
    public void Planning_twice_over_the_same_desired_and_observed_state_gives_the_same_plan(int seed)
    {
        var random = new Random(seed);
        var desired = RandomDesired(random);
        var observed = RandomObserved(random, desired);

        var first = Planner.Diff(desired, observed);
        var second = Planner.Diff(desired, observed.ToList());

        Assert.Equal(Describe(first), Describe(second));
        // Keyed by name: one action per desired or observed name, each once.
        Assert.Equal(
            desired.Services.Select(s => s.Name).Union(observed.Select(o => o.Name)).Order(StringComparer.Ordinal),
            first.Actions.Select(a => a.Name).Order(StringComparer.Ordinal));
    }

    [Property(MaxTest = 100)]
    public void Applying_a_plan_then_planning_again_gives_no_change_on_a_fake_engine(int seed)
    {
        var random = new Random(seed);
        var docker = new FakeDriver(TestTechnologies.Docker, TestTechnologies.DockerGit);
        var podman = new FakeDriver(TestTechnologies.Podman);
        var reconciler = new Reconciler([docker, podman], new FakeHost(), new ReconcilerOptions { HealthPollInterval = TimeSpan.FromMilliseconds(1) });
        var progress = new SynchronousProgress<ReconcileEvent>(_ => { });

        // Whatever an earlier configuration left, including instances set aside by a killed run and stopped ones.
        var earlier = RandomDesired(random);
        reconciler.ApplyAsync(earlier, refresh: false, progress, CancellationToken.None).GetAwaiter().GetResult();
        foreach (var driver in new[] { docker, podman })
        {
            for (var i = 0; i < driver.Instances.Count; i++)
            {
                driver.Instances[i] = driver.Instances[i] with
                {
                    State = random.Next(3) == 0 ? InstanceState.Stopped : InstanceState.Running,
                    IsAside = random.Next(5) == 0,
                };
            }
        }

        var desired = RandomDesired(random);
        var result = reconciler.ApplyAsync(desired, refresh: false, progress, CancellationToken.None).GetAwaiter().GetResult();
        Assert.True(result.Succeeded, string.Join("\n", result.Outcomes.Select(o => $"{o.Name}: {o.Message}")));

        var observed = docker.Instances.Concat(podman.Instances).ToList();
        var again = Planner.Diff(desired, observed);
        Assert.False(again.HasChanges, Describe(again));
        Assert.Equal(desired.Services.Select(s => s.Name).Order(StringComparer.Ordinal), observed.Select(o => o.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_spec_hash_of_a_known_spec_is_pinned_so_an_upgrade_never_recreates_every_container()
    {
        // Changing the canonical form changes every stored hash: each running container would be replaced on the
        // first reconfigure after an upgrade. If this changes on purpose, say so in the release notes.
        Assert.Equal(
            """{"environment":["MODE=prod"],"ports":[[8081,8080]],"publish_address":"0.0.0.0","replicas":1,"repository":"127.0.0.1:5000","tag":"1.0","technology":"docker","url":"demo/web","volumes":[["/srv/web","/data"]]}""",
            Specs.Web().CanonicalJson());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Specs.Web().CanonicalJson()))), Specs.Web().SpecHash());
    }

    [Fact]
    public void A_stop_timeout_is_in_the_canonical_form_only_when_set_and_a_stop_reads_it_back()
    {
        Assert.Equal(Specs.Web().CanonicalJson(), (Specs.Web() with { StopTimeoutSeconds = null }).CanonicalJson());
        var json = (Specs.Web() with { StopTimeoutSeconds = 30 }).CanonicalJson();
        Assert.Contains("\"stop_timeout\":30", json, StringComparison.Ordinal);
        Assert.Equal(30, SpecSchema.TryParse(json, "web", 1)!.StopTimeoutSeconds);
        var lifecycle = new LifecycleOptions { StopTimeout = TimeSpan.FromSeconds(4) };
        Assert.Equal(TimeSpan.FromSeconds(30), lifecycle.StopTimeoutOf(Specs.Running(Specs.Web()) with { SpecJson = json }));
        Assert.Equal(TimeSpan.FromSeconds(4), lifecycle.StopTimeoutOf(Specs.Running(Specs.Web()) with { SpecJson = Specs.Web().CanonicalJson() }));
    }

    [Fact]
    public void Limits_are_in_the_canonical_form_only_when_set_and_read_back_from_it()
    {
        Assert.Equal(Specs.Web().CanonicalJson(), (Specs.Web() with { MemoryBytes = null, Cpus = null }).CanonicalJson());
        var json = (Specs.Web() with { MemoryBytes = 1536L << 10, Cpus = 0.25m }).CanonicalJson();

        Assert.Contains("\"memory\":\"1536K\"", json, StringComparison.Ordinal);
        Assert.Contains("\"cpus\":0.25", json, StringComparison.Ordinal);
        var back = SpecSchema.TryParse(json, "web", 1)!;
        Assert.Equal((1536L << 10, 0.25m), (back.MemoryBytes, back.Cpus));
        Assert.Equal(json, back.CanonicalJson());
    }

    [Property(MaxTest = 300)]
    public void The_spec_hash_ignores_field_order_and_fields_left_at_their_default_and_index_and_routing(int seed)
    {
        var random = new Random(seed);
        var spec = RandomSpec(random, "svc", 1) with { Settings = null };

        // The same values assigned in another order, through another path (reflection, shuffled).
        var properties = typeof(ServiceSpec).GetProperties().Where(p => p.CanWrite).OrderBy(_ => random.Next()).ToList();
        var copy = spec with { Url = "other" };
        foreach (var property in properties)
        {
            property.SetValue(copy, property.GetValue(spec));
        }

        Assert.Equal(spec.SpecHash(), copy.SpecHash());
        // Technology settings at their defaults, written or not: a field added at its default changes no stored hash.
        Assert.Equal(spec.SpecHash(), (spec with { Settings = new ExampleSettings() }).SpecHash());
        Assert.Equal(spec.CanonicalJson(), (spec with { Settings = new ExampleSettings { Extra = null, Count = 0 } }).CanonicalJson());
        Assert.NotEqual(spec.SpecHash(), (spec with { Settings = new ExampleSettings { Extra = "x" } }).SpecHash());
        Assert.NotEqual(spec.SpecHash(), (spec with { Settings = new ExampleSettings { Count = 1 } }).SpecHash());
        // Extension fields sit among the common ones in ordinal order, whatever the order they were declared in.
        var withExtra = (spec with { Settings = new ExampleSettings { Extra = "x", Count = 2, Replicas = 3 } }).CanonicalJson();
        var keys = System.Text.Json.Nodes.JsonNode.Parse(withExtra)!.AsObject().Select(p => p.Key).ToArray();
        Assert.Equal(keys.Order(StringComparer.Ordinal), keys);
        Assert.Contains("\"replicas\":3", withExtra, StringComparison.Ordinal);
        // Renumbering and routing are not the container's business.
        Assert.Equal(spec.SpecHash(), (spec with { Index = spec.Index + 7, KeepPrefix = !spec.KeepPrefix }).SpecHash());
        // Equal collections from different instances hash equal; a changed value does not.
        Assert.Equal(spec.SpecHash(), (spec with { Ports = spec.Ports.ToList(), Environment = spec.Environment.ToList() }).SpecHash());
        Assert.NotEqual(spec.SpecHash(), (spec with { Tag = spec.Tag + "-next" }).SpecHash());
        Assert.NotEqual(spec.SpecHash(), (spec with { Environment = [.. spec.Environment, "NEW=1"] }).SpecHash());
    }
}
