using System.Globalization;
using System.Text.Json.Nodes;
using CliWrap;
using CliWrap.Buffered;
using Portique.Core;
using Portique.Planning;
using Portique.TestSupport;

namespace Portique.Technologies.Vagrant.Tests;

/// <summary>
/// The generated Vagrantfile, read back by Ruby itself (the Ruby that runs vagrant) through a stand-in for
/// <c>Vagrant.configure</c> that records every setting: what Ruby sees must be exactly what the record says.
/// </summary>
public sealed class VagrantfileTests : IDisposable
{
    private const string Recorder = """
        require 'json'
        class Recorder
          def initialize; @values = {}; end
          def values; @values.transform_values { |v| v.is_a?(Recorder) ? v.values : v }; end
          def respond_to_missing?(*) = true
          def method_missing(name, *args, **kwargs, &block)
            key = name.to_s
            if key.end_with?('=')
              @values[key.chomp('=')] = args[0]
            elsif block
              inner = Recorder.new
              block.call(inner)
              @values["#{key}(#{args.join(',')})"] = inner
            elsif args.empty? && kwargs.empty?
              @values[key] ||= Recorder.new
            else
              (@values["#{key}()"] ||= []) << { 'args' => args, 'options' => kwargs }
              nil
            end
          end
        end
        module Vagrant
          def self.configure(version)
            config = Recorder.new
            yield config
            puts JSON.generate({ 'version' => version, 'config' => config.values })
          end
        end
        load ARGV[0]
        """;

    private readonly TempRoot _root = new();

    public void Dispose() => _root.Dispose();

    internal static VagrantRecord Record(VagrantProvider provider = VagrantProvider.Docker, IReadOnlyList<string>? environment = null, IReadOnlyList<VolumeMapping>? volumes = null) => new()
    {
        Name = "web",
        Root = "/srv/it's a root",
        InstanceId = "0123",
        Spec = "{}",
        SpecHash = "abc",
        Index = 1,
        Provider = provider,
        Image = provider == VagrantProvider.Docker ? "127.0.0.1:5000/team/web:1" : "debian/bookworm64",
        BoxVersion = provider == VagrantProvider.Docker ? "" : "12.20240905.1",
        BoxServer = "",
        Artifact = "sha256:abc",
        PublishAddress = "0.0.0.0",
        Ports = [new PortMapping(18080, 8080), new PortMapping(18443, 443)],
        Volumes = volumes ?? [new VolumeMapping("/srv/web data", "/data")],
        Environment = environment ?? ["PLAIN=value"],
    };

    private async Task<JsonNode> EvaluateAsync(string vagrantfile)
    {
        var file = _root.PathOf("Vagrantfile");
        var harness = _root.PathOf("recorder.rb");
        await File.WriteAllTextAsync(file, vagrantfile);
        await File.WriteAllTextAsync(harness, Recorder);
        BufferedCommandResult result;
        try
        {
            result = await Cli.Wrap("ruby").WithArguments([harness, file]).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            Assert.Fail($"ruby cannot be run ({exception.Message}): install the vagrant package (it brings ruby)");
            throw;
        }

        Assert.True(result.ExitCode == 0, result.StandardError + "\n" + vagrantfile);
        return JsonNode.Parse(result.StandardOutput)!["config"]!;
    }

    [Fact]
    public async Task The_docker_provider_file_gives_ruby_exactly_the_recorded_image_name_ports_volumes_and_environment()
    {
        var hostile = new[]
        {
            "QUOTE=it's \"here\"",
            "BACKSLASH=a\\b\\\\c\\'",
            "INTERPOLATION=#{`touch /tmp/pwned`} #{1+1}",
            "CODE='; system('touch /tmp/pwned'); '",
            "NEWLINE=first\nsecond",
            "EMPTY=",
            "EQUALS=a=b=c",
        };
        var config = await EvaluateAsync(Vagrantfile.Render(Record(environment: hostile), "web.portique-aside"));

        var docker = config["vm"]!["provider(docker)"]!;
        Assert.Equal("127.0.0.1:5000/team/web:1", docker["image"]!.GetValue<string>());
        Assert.Equal("portique-vagrant.web.portique-aside", docker["name"]!.GetValue<string>());
        Assert.False(docker["has_ssh"]!.GetValue<bool>());
        Assert.Null(docker["ports"]); // published with -p (see Vagrantfile.Render): vagrant's own check would refuse a replacement
        Assert.Equal(["/srv/web data:/data"], docker["volumes"]!.AsArray().Select(p => p!.GetValue<string>()));
        var env = docker["env"]!.AsObject();
        Assert.Equal(hostile.Length, env.Count);
        foreach (var variable in hostile)
        {
            var (key, value) = (variable.Split('=', 2)[0], variable.Split('=', 2)[1]);
            Assert.Equal(value, env[key]!.GetValue<string>());
        }

        Assert.Equal(
            [
                "--restart", "unless-stopped", "--label", "portique.vagrant.root=/srv/it's a root", "--label", "portique.vagrant.name=web",
                "-p", "0.0.0.0:18080:8080", "-p", "0.0.0.0:18443:443",
            ],
            docker["create_args"]!.AsArray().Select(a => a!.GetValue<string>()));
        var synced = Assert.Single(config["vm"]!["synced_folder()"]!.AsArray());
        Assert.Equal([".", "/vagrant"], synced!["args"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.True(synced["options"]!["disabled"]!.GetValue<bool>());
        Assert.False(File.Exists("/tmp/pwned"));
    }

    [Fact]
    public async Task Limits_reach_the_docker_providers_container_as_docker_options_and_a_box_as_its_memory_and_processors()
    {
        var docker = await EvaluateAsync(Vagrantfile.Render(Record() with { MemoryBytes = 512L << 20, Cpus = 1.5m }, "web"));
        var box = await EvaluateAsync(Vagrantfile.Render(Record(VagrantProvider.Libvirt) with { MemoryBytes = 512L << 20, Cpus = 1.5m }, "web"));

        var arguments = docker["vm"]!["provider(docker)"]!["create_args"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();
        Assert.Equal(["--memory", "536870912", "--memory-swap", "536870912", "--cpus", "1.5"], arguments.Skip(arguments.IndexOf("--memory")));
        var libvirt = box["vm"]!["provider(libvirt)"]!;
        Assert.Equal((512, 2), (libvirt["memory"]!.GetValue<int>(), libvirt["cpus"]!.GetValue<int>()));
    }

    [Fact]
    public async Task On_the_private_network_the_docker_providers_container_joins_the_roots_docker_network_with_its_address_and_dns()
    {
        var config = await EvaluateAsync(Vagrantfile.Render(Record() with { Address = "10.231.4.7", Network = "10.231.0.0/16" }, "web"));

        var arguments = config["vm"]!["provider(docker)"]!["create_args"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();
        var tag = Core.PrivateNetwork.RootTag("/srv/it's a root");
        Assert.Equal(["--network", "portique-" + tag, "--ip", "10.231.4.7", "--dns", "10.231.0.1"], arguments.Skip(arguments.IndexOf("--network")));
        Assert.DoesNotContain("--network", (await EvaluateAsync(Vagrantfile.Render(Record(), "web")))["vm"]!["provider(docker)"]!["create_args"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.231.4.7", "not a network")]
    [InlineData("10.231.4.7; rm -rf /", "10.231.0.0/16")]
    public void A_private_address_or_network_that_is_not_one_is_refused(string address, string network) =>
        Assert.Throws<InvalidInputException>(() => Vagrantfile.Render(Record() with { Address = address, Network = network }, "web"));

    [Fact]
    public async Task A_box_provider_file_names_the_box_and_its_version_and_forwards_ports_on_the_publish_address()
    {
        var config = await EvaluateAsync(Vagrantfile.Render(Record(VagrantProvider.Libvirt), "web"));

        Assert.Equal("debian/bookworm64", config["vm"]!["box"]!.GetValue<string>());
        Assert.Equal("12.20240905.1", config["vm"]!["box_version"]!.GetValue<string>());
        Assert.False(config["vm"]!["box_check_update"]!.GetValue<bool>());
        var forwarded = config["vm"]!["network()"]!.AsArray();
        Assert.Equal(2, forwarded.Count);
        Assert.Equal("forwarded_port", forwarded[0]!["args"]![0]!.GetValue<string>());
        Assert.Equal((8080, 18080, "0.0.0.0"), (
            forwarded[0]!["options"]!["guest"]!.GetValue<int>(),
            forwarded[0]!["options"]!["host"]!.GetValue<int>(),
            forwarded[0]!["options"]!["host_ip"]!.GetValue<string>()));
        var folders = config["vm"]!["synced_folder()"]!.AsArray();
        Assert.Equal(["/srv/web data", "/data"], folders[1]!["args"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal("virtiofs", folders[1]!["options"]!["type"]!.GetValue<string>());
        Assert.Null(config["vm"]!["provider(docker)"]);
    }

    [Theory]
    [InlineData("/srv/a:b")]
    [InlineData("relative")]
    [InlineData("/srv/../etc")]
    public void A_volume_path_docker_cannot_take_is_refused(string path) =>
        Assert.Throws<InvalidInputException>(() => Vagrantfile.Render(Record(volumes: [new VolumeMapping(path, "/data")]), "web"));

    [Theory]
    [InlineData("=value")]
    [InlineData("NO_EQUALS")]
    [InlineData("BAD KEY=x")]
    [InlineData("NUL=a\0b")]
    public void An_environment_entry_that_is_not_key_equals_value_is_refused(string variable) =>
        Assert.Throws<InvalidInputException>(() => Vagrantfile.Render(Record(environment: [variable]), "web"));

    [Fact]
    public void A_port_on_an_ipv6_publish_address_is_bracketed_for_docker()
    {
        Assert.Equal("[::1]:18080:8080", Vagrantfile.PortBinding("::1", 18080, 8080));
        Assert.Equal("127.0.0.1:18080:8080", Vagrantfile.PortBinding("127.0.0.1", 18080, 8080));
    }

    [Fact]
    public void The_record_reads_back_what_was_written()
    {
        var record = Record() with { Created = DateTimeOffset.Parse("2026-01-02T03:04:05Z", CultureInfo.InvariantCulture) };
        File.WriteAllText(Path.Join(_root.Directory, VagrantRecord.FileName), record.Serialize());

        var read = VagrantRecord.TryRead(_root.Directory);

        Assert.NotNull(read);
        Assert.Equal(record.Serialize(), read.Serialize());
        Assert.Contains("\"provider\": \"docker\"", record.Serialize());
    }

    [Fact]
    public void The_image_of_the_docker_provider_is_the_one_the_docker_technology_runs()
    {
        Assert.Equal("127.0.0.1:5000/app:v1", Validation.ImageReference("app", "v1", "127.0.0.1:5000"));
        Assert.Equal("nginx:latest", Validation.ImageReference("nginx", "", ""));
        Assert.Throws<InvalidInputException>(() => Validation.ImageReference("app';", "1", ""));
        Assert.Throws<InvalidInputException>(() => Validation.ImageReference("app", "1", "bad registry"));
    }

    [Theory]
    [InlineData("web", "web", false, false)]
    [InlineData("web.portique-aside", "web", true, false)]
    [InlineData("web.portique-next", "web", false, true)]
    public void A_project_folder_name_says_which_service_it_holds_and_whether_it_is_set_aside_or_started_beside(string folder, string name, bool aside, bool next) =>
        Assert.Equal((name, aside, next), Validation.ParseFolderName(folder));

    [Theory]
    [InlineData("Web")]
    [InlineData(".portique-next")]
    [InlineData("web.portique-next.portique-next")]
    [InlineData("../web")]
    public void A_folder_no_service_name_stands_for_is_not_a_project(string folder) =>
        Assert.Null(Validation.ParseFolderName(folder));
}
