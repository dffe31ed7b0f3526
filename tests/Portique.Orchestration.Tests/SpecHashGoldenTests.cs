using Portique.Planning;
using Portique.Technologies.Docker;
using Portique.Technologies.Lxc;
using Portique.Technologies.Podman;
using Portique.Technologies.Qemu;
using Portique.Technologies.Snap;
using Portique.Technologies.Swarm;
using Portique.Technologies.Vagrant;
using Portique.TestSupport;

namespace Portique.Orchestration.Tests;

/// <summary>
/// The canonical form and hash of specs as every released Portique computed them. A container's stored hash is compared
/// on every run: if one of these changes, the first reconfigure after an upgrade recreates every container of every
/// server. The expected values were recorded from the code before the spec schema became a generated JSON contract;
/// never edit them to make a test pass.
/// </summary>
public class SpecHashGoldenTests
{
    private static ServiceSpec Spec(
        Technology technology,
        string url = "demo/web",
        string tag = "latest",
        string repository = "",
        PortMapping[]? ports = null,
        VolumeMapping[]? volumes = null,
        string[]? environment = null,
        string publishAddress = "0.0.0.0",
        bool keepPrefix = false,
        int index = 1) =>
        TestSpecs.Create("svc", technology, url, tag, repository, ports, volumes, environment, index, publishAddress) with { KeepPrefix = keepPrefix };

    public static TheoryData<string> Cases => [.. Golden.Keys.Order(StringComparer.Ordinal)];

    private static readonly Dictionary<string, (Func<ServiceSpec> Build, string Json, string Hash)> Golden = new()
    {
        ["docker, every list empty"] = (() => Spec(DockerModule.Docker),
            "{\"environment\":[],\"ports\":[],\"publish_address\":\"0.0.0.0\",\"replicas\":1,\"repository\":\"\",\"tag\":\"latest\",\"technology\":\"docker\",\"url\":\"demo/web\",\"volumes\":[]}",
            "44a46d158e2e6d0ed4a0f7b6ae0e143b169ea5de618be28059b0490e2c450c8f"),
        ["docker, ports volumes environment and a registry"] = (() => Spec(
            DockerModule.Docker,
            tag: "1.0",
            repository: "127.0.0.1:5000",
            ports: [new(8081, 8080), new(8443, 443)],
            volumes: [new("/srv/web", "/data"), new("/srv/web/logs", "/var/log/app")],
            environment: ["MODE=prod", "EMPTY=", "URL=http://x/?a=1&b=2"]),
            "{\"environment\":[\"MODE=prod\",\"EMPTY=\",\"URL=http://x/?a=1\\u0026b=2\"],\"ports\":[[8081,8080],[8443,443]],\"publish_address\":\"0.0.0.0\",\"replicas\":1,\"repository\":\"127.0.0.1:5000\",\"tag\":\"1.0\",\"technology\":\"docker\",\"url\":\"demo/web\",\"volumes\":[[\"/srv/web\",\"/data\"],[\"/srv/web/logs\",\"/var/log/app\"]]}",
            "91320cb8e89735e73bae0c26364f62e27b934e81d88583adecfed5bd47d21f05"),
        ["docker, keep-prefix and index do not count"] = (() => Spec(DockerModule.Docker, keepPrefix: true, index: 7, ports: [new(9000, 80)]),
            "{\"environment\":[],\"ports\":[[9000,80]],\"publish_address\":\"0.0.0.0\",\"replicas\":1,\"repository\":\"\",\"tag\":\"latest\",\"technology\":\"docker\",\"url\":\"demo/web\",\"volumes\":[]}",
            "832dd2093b25b069b04b1a9126fd29bd5cbcbd2a26d3f42b68479aff98d80f82"),
        ["docker+git"] = (() => Spec(DockerModule.DockerGit, url: "team/app", tag: "main", repository: "https://git.example.org/team/app.git", ports: [new(8082, 8080)]),
            "{\"environment\":[],\"ports\":[[8082,8080]],\"publish_address\":\"0.0.0.0\",\"replicas\":1,\"repository\":\"https://git.example.org/team/app.git\",\"tag\":\"main\",\"technology\":\"docker\\u002Bgit\",\"url\":\"team/app\",\"volumes\":[]}",
            "bebc38337bf9878853b4451b17bace52621da2a0e1bd918820b7a86b069f6e6f"),
        ["lxc"] = (() => Spec(LxcModule.Lxc, url: "debian", tag: "bookworm", volumes: [new("/srv/lxc", "/srv")]),
            "{\"environment\":[],\"ports\":[],\"publish_address\":\"0.0.0.0\",\"replicas\":1,\"repository\":\"\",\"tag\":\"bookworm\",\"technology\":\"lxc\",\"url\":\"debian\",\"volumes\":[[\"/srv/lxc\",\"/srv\"]]}",
            "02c7a5b7c5b6be24277495151e1123ce7c1e37bc74200d34551f3de0bba2a024"),
        ["vagrant"] = (() => Spec(VagrantModule.Vagrant, url: "generic/debian12", ports: [new(2222, 22)]),
            "{\"environment\":[],\"ports\":[[2222,22]],\"publish_address\":\"0.0.0.0\",\"replicas\":1,\"repository\":\"\",\"tag\":\"latest\",\"technology\":\"vagrant\",\"url\":\"generic/debian12\",\"volumes\":[]}",
            "f87374364b04259a6770db955f2a768775377db849e402f20eda7057e4f10a57"),
        ["podman, published on loopback"] = (() => Spec(PodmanModule.Podman, url: "library/nginx", tag: "1.27", publishAddress: "127.0.0.1", ports: [new(8090, 80)]),
            "{\"environment\":[],\"ports\":[[8090,80]],\"publish_address\":\"127.0.0.1\",\"replicas\":1,\"repository\":\"\",\"tag\":\"1.27\",\"technology\":\"podman\",\"url\":\"library/nginx\",\"volumes\":[]}",
            "b1c90037a5106a8623e7b00784274b2d2697700b58b7f11448ac4f9f16262493"),
        ["swarm, one replica"] = (() => Spec(SwarmModule.Swarm, url: "demo/api", ports: [new(8100, 8080)]),
            "{\"environment\":[],\"ports\":[[8100,8080]],\"publish_address\":\"0.0.0.0\",\"replicas\":1,\"repository\":\"\",\"tag\":\"latest\",\"technology\":\"swarm\",\"url\":\"demo/api\",\"volumes\":[]}",
            "4e4422cec9a047fa11d2a6a24a20544817312509683e9965746aedc38a60ac15"),
        ["swarm, three replicas"] = (() => Spec(SwarmModule.Swarm, url: "demo/api", ports: [new(8101, 8080)]) with { Settings = new Portique.Technologies.Swarm.SwarmSettings { Replicas = 3 } },
            "{\"environment\":[],\"ports\":[[8101,8080]],\"publish_address\":\"0.0.0.0\",\"replicas\":3,\"repository\":\"\",\"tag\":\"latest\",\"technology\":\"swarm\",\"url\":\"demo/api\",\"volumes\":[]}",
            "051906279ff47c6158be01ff7bc72c50b43f8e38012e8b549c1cd68089f17797"),
        // Not recorded but derived: the released form of "docker, every list empty" with conteneurN_replicas 3.
        ["docker given replicas, which released versions hashed for every technology"] = (() => Spec(DockerModule.Docker) with { Settings = new UnusedReplicas { Replicas = 3 } },
            "{\"environment\":[],\"ports\":[],\"publish_address\":\"0.0.0.0\",\"replicas\":3,\"repository\":\"\",\"tag\":\"latest\",\"technology\":\"docker\",\"url\":\"demo/web\",\"volumes\":[]}",
            "83bd2b0dfdd13658bbe4b9a0c33bb5bc6d2833874d62000999c0c6d0c1f74441"),
        ["qemu"] = (() => Spec(QemuModule.Qemu, url: "debian-12.qcow2", repository: "https://cloud.example.org/images", ports: [new(8200, 80)]),
            "{\"environment\":[],\"ports\":[[8200,80]],\"publish_address\":\"0.0.0.0\",\"replicas\":1,\"repository\":\"https://cloud.example.org/images\",\"tag\":\"latest\",\"technology\":\"qemu\",\"url\":\"debian-12.qcow2\",\"volumes\":[]}",
            "1f78a7ba73cb15ebe2138d135265a454b3725d05bb179a4c3a3d11bf567c6580"),
        ["snap"] = (() => Spec(SnapModule.Snap, url: "hello-world", tag: "latest/stable", ports: [new(8300, 8080)]),
            "{\"environment\":[],\"ports\":[[8300,8080]],\"publish_address\":\"0.0.0.0\",\"replicas\":1,\"repository\":\"\",\"tag\":\"latest/stable\",\"technology\":\"snap\",\"url\":\"hello-world\",\"volumes\":[]}",
            "76099c5c6e226419ae24635e8a4d946984e1858a4fedf4d157661c96e457cd35"),
        ["snapcraft"] = (() => Spec(SnapcraftModule.Snapcraft, url: "my-app", tag: "v1.2", repository: "file:///srv/git/my-app"),
            "{\"environment\":[],\"ports\":[],\"publish_address\":\"0.0.0.0\",\"replicas\":1,\"repository\":\"file:///srv/git/my-app\",\"tag\":\"v1.2\",\"technology\":\"snapcraft\",\"url\":\"my-app\",\"volumes\":[]}",
            "099222ce984068566a33e08d35e620af20ec5954565edbc4d87d7ffec065e979"),
        ["non-ASCII and markup in values, IPv6 publish address"] = (() => Spec(
            DockerModule.Docker,
            volumes: [new("/srv/données", "/data")],
            environment: ["GREETING=héllo <b>'world'</b>", "QUOTE=\"x\"", "PLUS=a+b"],
            publishAddress: "::"),
            "{\"environment\":[\"GREETING=h\\u00E9llo \\u003Cb\\u003E\\u0027world\\u0027\\u003C/b\\u003E\",\"QUOTE=\\u0022x\\u0022\",\"PLUS=a\\u002Bb\"],\"ports\":[],\"publish_address\":\"::\",\"replicas\":1,\"repository\":\"\",\"tag\":\"latest\",\"technology\":\"docker\",\"url\":\"demo/web\",\"volumes\":[[\"/srv/donn\\u00E9es\",\"/data\"]]}",
            "bd29a2b840401ebf03c2857c6312d533a0d21c43e03f566e14c7e9cdeb6d8273"),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_canonical_form_and_hash_of_a_spec_written_by_earlier_releases_never_change(string name)
    {
        var (build, json, hash) = Golden[name];
        var spec = build();
        Assert.Equal(json, spec.CanonicalJson());
        Assert.Equal(hash, spec.SpecHash());
    }
}
