using System.Globalization;
using Portique.Core;
using Portique.Planning;
using Portique.TestSupport;

namespace Portique.Technologies.Lxc.Tests;

/// <summary>The pure parts of the lxc driver: no container needed.</summary>
public sealed class LxcUnitTests : IDisposable
{
    private readonly TempRoot _root = new();

    public void Dispose() => _root.Dispose();

    internal static LxcRecord Record(IReadOnlyList<string>? environment = null, IReadOnlyList<VolumeMapping>? volumes = null) => new()
    {
        Name = "web",
        Root = "/",
        InstanceId = "0123",
        Spec = "{}",
        SpecHash = "abc",
        Index = 1,
        Image = "127.0.0.1:5000/web:1",
        Digest = "sha256:" + new string('a', 64),
        Address = "10.0.3.100",
        PrefixLength = 24,
        Gateway = "10.0.3.1",
        Bridge = "lxcbr0",
        PublishAddress = "0.0.0.0",
        Ports = [new PortMapping(18080, 8080)],
        Volumes = volumes ?? [],
        Environment = environment ?? ["PATH=/bin"],
        Command = ["/bin/httpd", "-f"],
        WorkingDirectory = "/",
        Uid = 0,
        Gid = 0,
    };

    [Fact]
    public void The_image_reference_is_the_one_docker_would_run()
    {
        Assert.Equal("127.0.0.1:5000/app:v1", LxcDriver.ImageReference(TestSpecs.Create("app", LxcModule.Lxc, "app", "v1", "127.0.0.1:5000")));
        Assert.Equal("nginx:latest", LxcDriver.ImageReference(TestSpecs.Create("web", LxcModule.Lxc, "nginx", "")));
        Assert.Equal("registry.example/team/app:1.2", LxcDriver.ImageReference(TestSpecs.Create("app", LxcModule.Lxc, "team/app", "1.2", "registry.example/")));
    }

    [Theory]
    [InlineData("Bad/Name", "1", "")]
    [InlineData("app", "-x", "")]
    [InlineData("app", "1", "evil registry")]
    [InlineData("app;rm", "1", "")]
    public void An_image_reference_from_unsafe_values_is_refused(string url, string tag, string repository) =>
        Assert.Throws<InvalidInputException>(() => LxcDriver.ImageReference(TestSpecs.Create("app", LxcModule.Lxc, url, tag, repository)));

    [Fact]
    public void The_configuration_is_one_checked_line_per_value_and_points_into_the_containers_directory()
    {
        var text = LxcConfiguration.Render(
            Record(volumes: [new VolumeMapping("/srv/my data", "/data")]),
            "/root/var/lib/portique/lxc/web",
            new LxcDriverOptions());

        Assert.Contains("lxc.rootfs.path = dir:/root/var/lib/portique/lxc/web/rootfs\n", text);
        Assert.Contains("lxc.net.0.ipv4.address = 10.0.3.100/24\n", text);
        Assert.Contains("lxc.net.0.ipv4.gateway = 10.0.3.1\n", text);
        Assert.Contains("lxc.mount.entry = /srv/my\\040data data none bind,create=dir 0 0\n", text);
        Assert.Contains("lxc.console.logfile = /root/var/lib/portique/lxc/web/console.log\n", text);
        Assert.Contains("lxc.environment = PATH=/bin\n", text);
    }

    [Fact]
    public void Limits_are_written_as_the_hosts_cgroup_hierarchy_spells_them_and_not_at_all_without_limits()
    {
        var record = Record() with { MemoryBytes = 512L << 20, Cpus = 1.5m };

        var unified = LxcConfiguration.Render(record, "/r/web", new LxcDriverOptions { UnifiedCgroups = true });
        var legacy = LxcConfiguration.Render(record, "/r/web", new LxcDriverOptions { UnifiedCgroups = false });

        Assert.Contains("lxc.cgroup2.memory.max = 536870912\n", unified);
        Assert.Contains("lxc.cgroup2.memory.swap.max = 0\n", unified);
        Assert.Contains("lxc.cgroup2.cpu.max = 150000 100000\n", unified);
        Assert.Contains("lxc.cgroup.memory.limit_in_bytes = 536870912\n", legacy);
        Assert.Contains("lxc.cgroup.cpu.cfs_quota_us = 150000\n", legacy);
        Assert.Contains("lxc.cgroup.cpu.cfs_period_us = 100000\n", legacy);
        Assert.DoesNotContain("lxc.cgroup", LxcConfiguration.Render(Record(), "/r/web", new LxcDriverOptions()), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("EVIL=x\nlxc.mount.entry = / host none bind 0 0")]
    [InlineData("TRAILING=space ")]
    [InlineData("NUL=a\0b")]
    public void An_environment_value_that_would_change_the_configuration_is_refused(string variable) =>
        Assert.Throws<InvalidInputException>(() => LxcConfiguration.Render(Record([variable]), "/r/web", new LxcDriverOptions()));

    [Theory]
    [InlineData("relative/path")]
    [InlineData("/srv/../etc")]
    [InlineData("/srv/line\nbreak")]
    public void A_volume_path_that_is_not_a_plain_absolute_path_is_refused(string path) =>
        Assert.Throws<InvalidInputException>(() => LxcConfiguration.Render(Record(volumes: [new VolumeMapping(path, "/data")]), "/r/web", new LxcDriverOptions()));

    [Theory]
    [InlineData("web", "web", false, false)]
    [InlineData("web.portique-aside", "web", true, false)]
    [InlineData("web.portique-next", "web", false, true)]
    [InlineData("Web", null, false, false)]
    [InlineData("web.other", null, false, false)]
    [InlineData(".portique-aside", null, false, false)]
    [InlineData(".portique-next", null, false, false)]
    [InlineData("web.portique-next.portique-aside", null, true, false)]
    public void Only_directories_named_like_a_service_its_next_or_its_aside_are_containers(string directory, string? name, bool aside, bool next)
    {
        var parsed = Validation.ParseDirectoryName(directory);
        Assert.Equal(name, parsed?.Name);
        Assert.Equal(aside, parsed?.IsAside ?? aside);
        Assert.Equal(next, parsed?.IsNext ?? false);
    }

    [Theory]
    [InlineData("127.0.0.1:5000", true)]
    [InlineData("localhost:5000", true)]
    [InlineData("[::1]:5000", true)]
    [InlineData("registry.example", false)]
    [InlineData("10.0.0.1:5000", false)]
    public void Only_loopback_registries_are_reached_over_plain_http_by_default(string registry, bool loopback) =>
        Assert.Equal(loopback, Validation.IsLoopbackRegistry(registry));

    [Fact]
    public void The_record_reads_back_what_was_written()
    {
        var record = Record() with { Created = DateTimeOffset.Parse("2026-01-02T03:04:05Z", CultureInfo.InvariantCulture) };
        File.WriteAllText(Path.Join(_root.Directory, LxcRecord.FileName), record.Serialize());

        var read = LxcRecord.TryRead(_root.Directory);

        Assert.NotNull(read);
        Assert.Equal(record.Serialize(), read.Serialize());
        Assert.Equal([new PortMapping(18080, 8080)], read.Ports);
        File.WriteAllText(Path.Join(_root.Directory, LxcRecord.FileName), "{ not json");
        Assert.Null(LxcRecord.TryRead(_root.Directory));
    }

    [Fact]
    public void The_user_of_the_image_is_resolved_in_its_own_passwd_and_never_through_a_link()
    {
        var rootfs = _root.PathOf("rootfs");
        Directory.CreateDirectory(Path.Join(rootfs, "etc"));
        File.WriteAllText(Path.Join(rootfs, "etc", "passwd"), "root:x:0:0::/root:/bin/sh\nweb:x:1000:1001::/home/web:/bin/sh\n");
        File.WriteAllText(Path.Join(rootfs, "etc", "group"), "root:x:0:\nwww:x:33:\n");

        Assert.Equal((0, 0), RootFileSystem.ResolveUser("", rootfs, "img"));
        Assert.Equal((1000, 1001), RootFileSystem.ResolveUser("web", rootfs, "img"));
        Assert.Equal((1000, 33), RootFileSystem.ResolveUser("web:www", rootfs, "img"));
        Assert.Equal((42, 7), RootFileSystem.ResolveUser("42:7", rootfs, "img"));
        Assert.Throws<RuntimeFailureException>(() => RootFileSystem.ResolveUser("nobody-here", rootfs, "img"));

        File.Delete(Path.Join(rootfs, "etc", "passwd"));
        File.CreateSymbolicLink(Path.Join(rootfs, "etc", "passwd"), "/etc/passwd");
        Assert.Throws<RuntimeFailureException>(() => RootFileSystem.ResolveUser("root", rootfs, "img"));
    }

    [Fact]
    public void Network_files_replace_links_instead_of_writing_through_them()
    {
        var rootfs = _root.PathOf("rootfs");
        var outside = _root.PathOf("outside.txt");
        File.WriteAllText(outside, "host file\n");
        Directory.CreateDirectory(Path.Join(rootfs, "etc"));
        File.CreateSymbolicLink(Path.Join(rootfs, "etc", "hosts"), outside);

        RootFileSystem.WriteNetworkFiles(rootfs, "web", "10.0.3.1");

        Assert.Equal("host file\n", File.ReadAllText(outside));
        Assert.Null(new FileInfo(Path.Join(rootfs, "etc", "hosts")).LinkTarget);
        Assert.Contains("127.0.1.1\tweb", File.ReadAllText(Path.Join(rootfs, "etc", "hosts")));
        Assert.Equal("nameserver 10.0.3.1\n", File.ReadAllText(Path.Join(rootfs, "etc", "resolv.conf")));

        // An /etc that is itself a link is left alone.
        var linked = _root.PathOf("linked");
        Directory.CreateDirectory(linked);
        Directory.CreateSymbolicLink(Path.Join(linked, "etc"), _root.PathOf("elsewhere"));
        RootFileSystem.WriteNetworkFiles(linked, "web", "10.0.3.1");
        Assert.False(Directory.Exists(_root.PathOf("elsewhere")));
    }

    [Fact]
    public void The_proxy_configuration_listens_on_the_publish_address_and_forwards_to_the_container()
    {
        var proxy = new StreamProxy(_root.PathOf("proxy"), new LxcDriverOptions());
        var text = proxy.Render(
        [
            new ProxyEntry("web", System.Net.IPAddress.Parse("0.0.0.0"), 18080, "10.0.3.100", 8080),
            new ProxyEntry("api", System.Net.IPAddress.Parse("::1"), 18081, "10.0.3.101", 80),
        ]);

        Assert.Contains("load_module /usr/lib/nginx/modules/ngx_stream_module.so;", text);
        Assert.Contains("    server { listen 0.0.0.0:18080; proxy_pass 10.0.3.100:8080; }\n", text);
        Assert.Contains("    server { listen [::1]:18081; proxy_pass 10.0.3.101:80; }\n", text);
        Assert.Contains($"pid {_root.PathOf("proxy", "nginx.pid")};", text);
    }
}
