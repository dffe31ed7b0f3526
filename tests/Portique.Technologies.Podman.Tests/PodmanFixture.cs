using System.Text.Json;
using Portique.Core;
using Portique.Planning;
using Portique.TestSupport;
using ServiceSpec = Portique.Planning.ServiceSpec;

namespace Portique.Technologies.Podman.Tests;

/// <summary>
/// Shared by the podman tests: checks podman, dockerd and the registry (failing, never skipping, when one is missing),
/// builds one busybox base image with dockerd (podman pulls every test image from the local registry: no Docker Hub
/// here). On dispose removes the podman containers of every root it was told about and the podman images of the run,
/// then the docker images and registry entries.
/// </summary>
public sealed class PodmanFixture : IAsyncLifetime, IDisposable
{
    private readonly List<string> _roots = [];
    private readonly List<string> _imageIds = [];
    private readonly TempRoot _ownRoot = new("portique-podman-fixture-");

    public TestImages Images { get; } = new();

    /// <summary><c>RUNID-base:1</c> in dockerd: busybox httpd serving version "base"; variants are built FROM it.</summary>
    public string BaseImage => Images.Name("base") + ":1";

    /// <summary>A podman runner with Portique's configuration (its own root), for checks and clean-up.</summary>
    internal PodmanCli Podman { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var admin = new PodmanDriver(_ownRoot.Root);
        Podman = admin.Cli;
        if (await admin.CheckAvailabilityAsync(CancellationToken.None) is { } missing)
        {
            Assert.Fail($"podman is needed by these tests: {missing}");
        }

        await RequiredServices.DockerAsync();
        await RequiredServices.RegistryAsync();
        await Images.InitializeAsync();
        await Images.BuildAsync(BaseImage, "base");
    }

    public async Task DisposeAsync()
    {
        try
        {
            await RemovePodmanLeftoversAsync();
        }
        finally
        {
            await Images.DisposeAsync();
            _ownRoot.Dispose();
        }
    }

    public void Dispose() => _ownRoot.Dispose();

    /// <summary>Short timeouts: the test images start in milliseconds and busybox httpd ignores SIGTERM.</summary>
    public static PodmanDriverOptions FastOptions { get; } = new()
    {
        StopTimeout = TimeSpan.FromSeconds(1),
        HealthTimeout = TimeSpan.FromSeconds(30),
        StartupGrace = TimeSpan.FromSeconds(2),
    };

    /// <summary>A driver for <paramref name="root"/>; its containers are removed on fixture dispose too.</summary>
    public PodmanDriver Driver(PortiqueRoot root, PodmanDriverOptions? options = null)
    {
        lock (_roots)
        {
            _roots.Add(root.Directory);
        }

        Images.TrackRoot(root.Directory); // docker containers of the same root (technology switches)
        return new PodmanDriver(root, options ?? FastOptions);
    }

    public PodmanDriver Driver(TempRoot root, PodmanDriverOptions? options = null) => Driver(root.Root, options);

    /// <summary>
    /// Builds a variant of the base image with dockerd, pushes it to the local registry as
    /// <c>127.0.0.1:5000/RUNID-suffix:tag</c> (no local docker copy kept) and returns the podman spec of a service running it.
    /// </summary>
    public async Task<ServiceSpec> PublishedSpecAsync(
        string suffix,
        string version,
        TestImageOptions? options = null,
        string tag = "v1",
        IReadOnlyList<PortMapping>? ports = null,
        IReadOnlyList<VolumeMapping>? volumes = null,
        IReadOnlyList<string>? environment = null,
        string? name = null)
    {
        var image = Images.Name(suffix);
        await Images.PublishAsync(image, tag, version, (options ?? new TestImageOptions()) with { BaseImage = BaseImage });
        return TestSpecs.Create(name ?? image, PodmanModule.Podman, image, tag, RequiredServices.Registry, ports, volumes, environment);
    }

    /// <summary>Runs podman (fails the test when it cannot start); returns what it printed.</summary>
    internal async Task<PodmanResult> PodmanAsync(params string[] arguments) =>
        await Podman.RunAsync(arguments, TimeSpan.FromMinutes(2), CancellationToken.None);

    /// <summary><c>podman container inspect</c> of <paramref name="nameOrId"/> as JSON (the first element).</summary>
    internal async Task<JsonElement> InspectAsync(string nameOrId)
    {
        var result = await PodmanAsync("container", "inspect", "--format", "json", nameOrId);
        Assert.True(result.Succeeded, result.StandardError);
        using var document = JsonDocument.Parse(result.StandardOutput);
        return document.RootElement[0].Clone();
    }

    /// <summary>Whether podman has the image <paramref name="reference"/>.</summary>
    internal async Task<bool> HasImageAsync(string reference) => (await PodmanAsync("image", "exists", reference)).ExitCode == 0;

    /// <summary>Remove this podman image (by id) on dispose: one a re-pull left without a name.</summary>
    internal void TrackPodmanImage(string id)
    {
        lock (_imageIds)
        {
            _imageIds.Add(id);
        }
    }

    /// <summary>Removes podman's copy of <paramref name="reference"/> (absent is fine).</summary>
    internal Task RemoveImageAsync(string reference) => PodmanAsync("rmi", "--force", reference);

    private async Task RemovePodmanLeftoversAsync()
    {
        string[] roots;
        lock (_roots)
        {
            roots = _roots.Distinct().ToArray();
        }

        foreach (var root in roots)
        {
            var listed = await PodmanAsync("ps", "--all", "--quiet", "--filter", "label=portique.root=" + root);
            foreach (var id in listed.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                await PodmanAsync("rm", "--force", "--time", "0", id);
            }
        }

        var named = await PodmanAsync("ps", "--all", "--quiet", "--filter", "name=^" + Images.RunId);
        foreach (var id in named.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            await PodmanAsync("rm", "--force", "--time", "0", id);
        }

        var images = await PodmanAsync("images", "--format", "{{.Repository}}:{{.Tag}}");
        foreach (var reference in images.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (reference.StartsWith(RequiredServices.Registry + "/" + Images.RunId, StringComparison.Ordinal))
            {
                await RemoveImageAsync(reference);
            }
        }

        string[] ids;
        lock (_imageIds)
        {
            ids = _imageIds.ToArray();
        }

        foreach (var id in ids)
        {
            await RemoveImageAsync(id);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PodmanCollection : ICollectionFixture<PodmanFixture>
{
    public const string Name = "podman";
}
