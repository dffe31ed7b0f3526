namespace Portique.Planning.Tests;

internal static class Specs
{
    public static ServiceSpec Web(string name = "web", string tag = "1.0", int hostPort = 8081, Technology? technology = null) => new()
    {
        Index = 1,
        Name = name,
        Technology = technology ?? TestTechnologies.Docker,
        Url = "demo/web",
        Tag = tag,
        Repository = "127.0.0.1:5000",
        Ports = [new PortMapping(hostPort, 8080)],
        Volumes = [new VolumeMapping("/srv/" + name, "/data")],
        Environment = ["MODE=prod"],
        KeepPrefix = false,
        PublishAddress = "0.0.0.0",
    };

    public static ObservedService Running(ServiceSpec spec, string id = "c1", string artifact = "sha256:aaaa") => new()
    {
        Name = spec.Name,
        Technology = spec.Technology,
        State = InstanceState.Running,
        SpecHash = spec.SpecHash(),
        SpecJson = spec.CanonicalJson(),
        InstanceId = id,
        ArtifactId = artifact,
        Ports = spec.Ports,
    };
}
