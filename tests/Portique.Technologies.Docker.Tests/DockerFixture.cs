using Portique.Core;
using Portique.Planning;
using Portique.TestSupport;

namespace Portique.Technologies.Docker.Tests;

/// <summary>
/// Shared by every test of the collection: checks dockerd, the registry and git are there (failing, never skipping,
/// when not), builds one busybox base image, and on dispose removes every container and image the tests made.
/// </summary>
public sealed class DockerFixture : IAsyncLifetime
{
    public TestImages Images { get; } = new();

    /// <summary><c>RUNID-base:1</c>: busybox httpd serving version "base"; variants are built FROM it.</summary>
    public string BaseImage => Images.Name("base") + ":1";

    public async Task InitializeAsync()
    {
        await RequiredServices.DockerAsync();
        await RequiredServices.RegistryAsync();
        await RequiredServices.GitAsync();
        await Images.InitializeAsync();
        await Images.BuildAsync(BaseImage, "base");
    }

    public Task DisposeAsync() => Images.DisposeAsync();

    /// <summary>Builds <c>RUNID-suffix:1</c> on the base image (a small layer); returns the reference.</summary>
    public async Task<string> BuildVariantAsync(string suffix, string version, TestImageOptions? options = null)
    {
        var reference = Images.Name(suffix) + ":1";
        await Images.BuildAsync(reference, version, (options ?? new TestImageOptions()) with { BaseImage = BaseImage });
        return reference;
    }

    /// <summary>A driver for a fresh temporary root; its containers are removed on fixture dispose too.</summary>
    public DockerDriver Driver(TempRoot root, DockerDriverOptions? options = null)
    {
        Images.TrackRoot(root.Directory);
        return new DockerDriver(root.Root, RequiredServices.DockerEndpoint, options ?? FastOptions);
    }

    public DockerDriver Driver(PortiqueRoot root)
    {
        Images.TrackRoot(root.Directory);
        return new DockerDriver(root, RequiredServices.DockerEndpoint, FastOptions);
    }

    /// <summary>Short timeouts: the test images start in milliseconds.</summary>
    public static DockerDriverOptions FastOptions { get; } = new()
    {
        StopTimeout = TimeSpan.FromSeconds(2),
        HealthTimeout = TimeSpan.FromSeconds(30),
        StartupGrace = TimeSpan.FromSeconds(2),
    };

    /// <summary>A docker service running a local image (<c>name:tag</c>, no registry).</summary>
    public static ServiceSpec LocalSpec(
        string name,
        string reference,
        IReadOnlyList<PortMapping>? ports = null,
        IReadOnlyList<VolumeMapping>? volumes = null,
        IReadOnlyList<string>? environment = null)
    {
        var colon = reference.LastIndexOf(':');
        return TestSpecs.Create(name, DockerModule.Docker, reference[..colon], reference[(colon + 1)..], "", ports, volumes, environment);
    }
}

[CollectionDefinition(Name)]
public sealed class DockerCollection : ICollectionFixture<DockerFixture>
{
    public const string Name = "docker";
}
