using System.ComponentModel;
using CliWrap;
using CliWrap.Buffered;
using Docker.DotNet.Models;
using Portique.Core;
using Portique.Planning;
using Portique.TestSupport;
using ServiceSpec = Portique.Planning.ServiceSpec;

namespace Portique.Technologies.Vagrant.Tests;

/// <summary>
/// Shared by the vagrant tests: checks dockerd, the registry and vagrant are there (failing, never skipping, when
/// not), publishes the test images to the local registry, and on dispose removes every container it made.
/// </summary>
public sealed class VagrantFixture : IAsyncLifetime
{
    public TestImages Images { get; } = new();

    /// <summary><c>RUNID-web</c>: busybox httpd on 8080 serving <c>/www</c>; tag 1 says "vagrant-1", tag 2 "vagrant-2".</summary>
    public string Web => Images.Name("web");

    public string Writer => Images.Name("writer");

    public string Crash => Images.Name("crash");

    public string Chatty => Images.Name("chatty");

    public async Task InitializeAsync()
    {
        await RequiredServices.RegistryAsync();
        await VagrantRequirements.CheckAsync();
        await Images.InitializeAsync();
        await Images.PublishAsync(Web, "1", "vagrant-1");
        await Images.PublishAsync(Web, "2", "vagrant-2");
        await Images.PublishAsync(Writer, "1", "writer-1", TestImageOptions.WritingEnvironmentToFile);
        await Images.PublishAsync(Crash, "1", "crash-1", TestImageOptions.Crashing);
        await Images.PublishAsync(Chatty, "1", "chatty-1", TestImageOptions.Logging);
    }

    public Task DisposeAsync() => Images.DisposeAsync();

    /// <summary>Short timeouts: the test images start in milliseconds.</summary>
    public static VagrantDriverOptions FastOptions { get; } = new()
    {
        Provider = VagrantProvider.Docker,
        HealthTimeout = TimeSpan.FromSeconds(30),
        StartupGrace = TimeSpan.FromSeconds(1.5),
    };

    public VagrantDriver Driver(PortiqueRoot root, VagrantDriverOptions? options = null) =>
        new(root, RequiredServices.DockerEndpoint, options ?? FastOptions);

    /// <summary>
    /// A vagrant service of an image of this run in the local registry. Its docker container name is host-wide, so
    /// the service name is made unique to the run.
    /// </summary>
    public ServiceSpec Spec(
        string suffix,
        string image,
        string tag = "1",
        IReadOnlyList<PortMapping>? ports = null,
        IReadOnlyList<VolumeMapping>? volumes = null,
        IReadOnlyList<string>? environment = null) =>
        TestSpecs.Create(Images.Name(suffix), VagrantModule.Vagrant, image, tag, RequiredServices.Registry, ports, volumes, environment);

    /// <summary>Removes (through the Engine API, fast) every container vagrant made for <paramref name="root"/>.</summary>
    public async Task CleanAsync(PortiqueRoot root)
    {
        var containers = await Images.Client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { ["portique.vagrant.root=" + root.Directory] = true },
            },
        });
        foreach (var container in containers)
        {
            await Images.Client.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true });
        }
    }
}

[CollectionDefinition(Name)]
public sealed class VagrantCollection : ICollectionFixture<VagrantFixture>
{
    public const string Name = "vagrant";
}

internal static class VagrantRequirements
{
    public static async Task CheckAsync()
    {
        foreach (var (program, package) in new[] { ("vagrant", "vagrant"), ("docker", "docker.io") })
        {
            try
            {
                var result = await Cli.Wrap(program).WithArguments(["--version"]).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
                Assert.True(result.ExitCode == 0, $"{program} --version exited with {result.ExitCode}. Install it: apt-get install {package}");
            }
            catch (Win32Exception exception)
            {
                Assert.Fail($"{program} cannot be run ({exception.Message}). Install it: apt-get install {package}");
            }
        }
    }
}
