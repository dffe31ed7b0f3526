using Portique.Planning;

namespace Portique.TestSupport;

/// <summary>Service specs for engine tests, with the defaults a test rarely cares about.</summary>
public static class TestSpecs
{
    public static ServiceSpec Create(
        string name,
        Technology technology,
        string url,
        string tag,
        string repository = "",
        IReadOnlyList<PortMapping>? ports = null,
        IReadOnlyList<VolumeMapping>? volumes = null,
        IReadOnlyList<string>? environment = null,
        int index = 1,
        string publishAddress = "127.0.0.1") =>
        new()
        {
            Index = index,
            Name = name,
            Technology = technology,
            Url = url,
            Tag = tag,
            Repository = repository,
            Ports = ports ?? [],
            Volumes = volumes ?? [],
            Environment = environment ?? [],
            KeepPrefix = false,
            PublishAddress = publishAddress,
        };
}
