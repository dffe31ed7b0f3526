using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using Portique.Core;
using Portique.Planning;
using Portique.Technologies.Docker;
using Portique.TestSupport;
using ServiceSpec = Portique.Planning.ServiceSpec;

namespace Portique.Technologies.Swarm.Tests;

/// <summary>
/// Shared by the swarm tests: checks dockerd and the registry (failing, never skipping, when not there), makes the
/// local dockerd a single-node swarm manager when it is not one yet (<c>docker swarm init --advertise-addr 127.0.0.1
/// --listen-addr 127.0.0.1:2377</c>, through the API) and LEAVES THE SWARM ACTIVE: other suites may use it, and leaving
/// would remove every service on the machine. Builds one busybox base image. On dispose removes every service of the
/// roots it was told about, then the containers and images of the run.
/// </summary>
public sealed class SwarmFixture : IAsyncLifetime
{
    private readonly List<string> _roots = [];

    public TestImages Images { get; } = new();

    /// <summary><c>RUNID-base:1</c>: busybox httpd serving version "base"; variants are built FROM it.</summary>
    public string BaseImage => Images.Name("base") + ":1";

    public async Task InitializeAsync()
    {
        await RequiredServices.DockerAsync();
        await RequiredServices.RegistryAsync();
        await Images.InitializeAsync();
        await EnsureSwarmManagerAsync(Images.Client);
        await Images.BuildAsync(BaseImage, "base");
    }

    public async Task DisposeAsync()
    {
        try
        {
            await RemoveServicesAsync();
        }
        finally
        {
            await Images.DisposeAsync();
        }
    }

    /// <summary>Short timeouts: the test images start in milliseconds and busybox httpd ignores SIGTERM.</summary>
    public static SwarmDriverOptions FastOptions { get; } = new()
    {
        StopTimeout = TimeSpan.FromSeconds(1),
        RestartDelay = TimeSpan.FromSeconds(1),
        HealthTimeout = TimeSpan.FromSeconds(45),
        StartupGrace = TimeSpan.FromSeconds(2),
        RemovalTimeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>A driver for <paramref name="root"/>; its services are removed on fixture dispose too.</summary>
    public SwarmDriver Driver(PortiqueRoot root, SwarmDriverOptions? options = null)
    {
        lock (_roots)
        {
            _roots.Add(root.Directory);
        }

        Images.TrackRoot(root.Directory); // docker containers of the same root (technology switches)
        return new SwarmDriver(root, RequiredServices.DockerEndpoint, options ?? FastOptions);
    }

    public SwarmDriver Driver(TempRoot root, SwarmDriverOptions? options = null) => Driver(root.Root, options);

    /// <summary>
    /// Builds a variant of the base image, pushes it to the local registry as <c>127.0.0.1:5000/RUNID-suffix:tag</c>
    /// and returns the swarm spec of a service running it (image kept locally unless <paramref name="pullNeeded"/>).
    /// </summary>
    public async Task<ServiceSpec> PublishedSpecAsync(
        string suffix,
        string version,
        TestImageOptions? options = null,
        string tag = "v1",
        bool pullNeeded = false,
        IReadOnlyList<PortMapping>? ports = null,
        IReadOnlyList<VolumeMapping>? volumes = null,
        IReadOnlyList<string>? environment = null,
        string? name = null)
    {
        var image = Images.Name(suffix);
        await Images.PublishAsync(image, tag, version, (options ?? new TestImageOptions()) with { BaseImage = BaseImage }, keepLocal: !pullNeeded);
        return TestSpecs.Create(name ?? image, SwarmModule.Swarm, image, tag, RequiredServices.Registry, ports, volumes, environment);
    }

    /// <summary>The swarm service named <paramref name="name"/>, or null.</summary>
    public async Task<SwarmService?> TryInspectServiceAsync(string name)
    {
        try
        {
            return await Images.Client.Swarm.InspectServiceAsync(name);
        }
        catch (DockerApiException exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>The containers of the service with id <paramref name="serviceId"/> (its tasks), running or not.</summary>
    public async Task<IList<ContainerListResponse>> TaskContainersAsync(string serviceId) =>
        await Images.Client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [SwarmDriver.ServiceIdLabel + "=" + serviceId] = true },
            },
        });

    internal static async Task EnsureSwarmManagerAsync(DockerClient client)
    {
        var info = await client.System.GetSystemInfoAsync();
        if (info.Swarm?.LocalNodeState != "active")
        {
            try
            {
                await client.Swarm.InitSwarmAsync(new SwarmInitParameters { AdvertiseAddr = "127.0.0.1", ListenAddr = "127.0.0.1:2377" });
            }
            catch (DockerApiException exception) when (exception.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                // Another suite initialised it at the same moment ("already part of a swarm"): checked below.
            }

            info = await client.System.GetSystemInfoAsync();
        }

        Assert.True(
            info.Swarm is { LocalNodeState: "active", ControlAvailable: true },
            $"dockerd must be a swarm manager for these tests (state {info.Swarm?.LocalNodeState}); run `docker swarm init --advertise-addr 127.0.0.1`");
    }

    private async Task RemoveServicesAsync()
    {
        string[] roots;
        lock (_roots)
        {
            roots = _roots.Distinct().ToArray();
        }

        var removed = new List<string>();
        foreach (var service in await Images.Client.Swarm.ListServicesAsync(new ServiceListParameters()))
        {
            if (service.Spec?.Labels is { } labels && labels.TryGetValue(DockerDriver.Labels.Root, out var root) && roots.Contains(root))
            {
                try
                {
                    await Images.Client.Swarm.RemoveServiceAsync(service.ID);
                    removed.Add(service.ID);
                }
                catch (DockerApiException)
                {
                    // Best effort: a leftover service must not turn a passing run red.
                }
            }
        }

        // Wait for the task containers to go, so the image clean-up that follows can delete the images.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (removed.Count > 0 && DateTime.UtcNow < deadline)
        {
            var left = 0;
            foreach (var id in removed)
            {
                left += (await TaskContainersAsync(id)).Count;
            }

            if (left == 0)
            {
                break;
            }

            await Task.Delay(250);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SwarmCollection : ICollectionFixture<SwarmFixture>
{
    public const string Name = "swarm";
}
