using System.Globalization;
using FsCheck;
using FsCheck.Xunit;

namespace Portique.Configuration.Tests;

public sealed class VariableTypeTests
{
    [Theory]
    [InlineData("string", "n'importe quoi, même vide de sens")]
    [InlineData("number", "0")]
    [InlineData("number", "-42")]
    [InlineData("number", "9223372036854775807")]
    [InlineData("oui/non", "oui")]
    [InlineData("oui/non", "non")]
    [InlineData("on/off", "on")]
    [InlineData("on/off", "off")]
    [InlineData("port", "1")]
    [InlineData("port", "65535")]
    [InlineData("ip", "192.168.0.1")]
    [InlineData("ip", "0.0.0.0")]
    [InlineData("netmask", "255.255.255.0")]
    [InlineData("netmask", "255.255.254.0")]
    [InlineData("netmask", "0.0.0.0")]
    [InlineData("network", "10.0.0.0")]
    [InlineData("domain", "ac-test.fr")]
    [InlineData("domain", "www.1and1.example.com")]
    [InlineData("hostname", "scribe")]
    [InlineData("hostname", "10.0.0.1")]
    [InlineData("domain", "localhost")]
    [InlineData("domain", "10.0.0.1")]
    [InlineData("hostname", "amon-1")]
    [InlineData("web_address", "https://www.ac-test.fr/")]
    [InlineData("web_address", "http://10.0.0.1:8080/app?x=1")]
    [InlineData("web_address", "http://localhost")]
    [InlineData("unix_filename", "/var/log/app.log")]
    [InlineData("mail", "prenom.nom@ac-test.fr")]
    [InlineData("password", "p@ss wörd!")]
    [InlineData("service_name", "rocketchat")]
    [InlineData("service_name", "a")]
    [InlineData("service_name", "app-2")]
    [InlineData("absolute_path", "/")]
    [InlineData("absolute_path", "/srv/data/app")]
    [InlineData("absolute_path", "/srv/my..file")]
    [InlineData("host_path", "/srv/rocketchat/uploads")]
    [InlineData("host_path", "/etc2")]
    [InlineData("host_path", "/srv/run/app")]
    [InlineData("host_path", "/library")]
    [InlineData("server_names", "_")]
    [InlineData("server_names", "portique.ac-test.fr www.ac-test.fr *.ac-test.fr ac-test.* 127.0.0.1 localhost")]
    [InlineData("plain_path", "/etc/ssl/certs/portique.crt")]
    [InlineData("key_value", "TZ=Europe/Paris")]
    [InlineData("key_value", "_EMPTY=")]
    [InlineData("key_value", "URL=http://x/?a=b")]
    [InlineData("memory_size", "512M")]
    [InlineData("memory_size", "2g")]
    [InlineData("memory_size", "6291456")]
    [InlineData("memory_size", "1T")]
    [InlineData("cpus", "0.01")]
    [InlineData("cpus", "1.5")]
    [InlineData("cpus", "2")]
    [InlineData("cpus", "1024")]
    public void A_valid_value_is_accepted(string type, string value)
    {
        Assert.True(VariableTypes.TryParse(type, out var parsed));

        Assert.Null(VariableTypes.Validate(parsed, value));
    }

    [Theory]
    [InlineData("number", "1.5")]
    [InlineData("number", "douze")]
    [InlineData("number", "9223372036854775808")]
    [InlineData("number", "12\n")]
    [InlineData("oui/non", "Oui")]
    [InlineData("oui/non", "yes")]
    [InlineData("on/off", "ON")]
    [InlineData("port", "0")]
    [InlineData("port", "65536")]
    [InlineData("port", "http")]
    [InlineData("ip", "256.1.1.1")]
    [InlineData("ip", "10.0.0")]
    [InlineData("ip", "010.0.0.1")]
    [InlineData("ip", "10.0.0.1 ")]
    [InlineData("netmask", "255.0.255.0")]
    [InlineData("netmask", "255.255.255")]
    [InlineData("network", "réseau")]
    [InlineData("domain_strict", "localhost")]
    [InlineData("domain_strict", "10.0.0.1")]
    [InlineData("hostname_strict", "10.0.0.1")]
    [InlineData("domain", "-bad.fr")]
    [InlineData("domain", "bad..fr")]
    [InlineData("domain", "ac_test.fr")]
    [InlineData("hostname", "a.b")]
    [InlineData("hostname", "trop-long-trop-long-trop-long-trop-long-trop-long-trop-long-trop-")]
    [InlineData("web_address", "ftp://ac-test.fr")]
    [InlineData("web_address", "https://ac test.fr")]
    [InlineData("web_address", "https://ac-test.fr:70000/")]
    [InlineData("web_address", "www.ac-test.fr")]
    [InlineData("unix_filename", "fichier avec espace")]
    [InlineData("mail", "pas-une-adresse")]
    [InlineData("mail", "a@localhost")]
    [InlineData("password", "ligne\nsuivante")]
    [InlineData("service_name", "RocketChat")]
    [InlineData("service_name", "-app")]
    [InlineData("service_name", "app-")]
    [InlineData("service_name", "app_1")]
    [InlineData("service_name", "app.1")]
    [InlineData("service_name", "app/1")]
    [InlineData("service_name", "0123456789012345678901234567890123456789012345678901234567890123")]
    [InlineData("absolute_path", "relative/path")]
    [InlineData("absolute_path", "/srv/../etc")]
    [InlineData("absolute_path", "/srv/./data")]
    [InlineData("absolute_path", "/srv//data")]
    [InlineData("absolute_path", "/srv/data/")]
    [InlineData("absolute_path", "/srv/da\nta")]
    [InlineData("absolute_path", "/srv/da\0ta")]
    [InlineData("key_value", "1KEY=x")]
    [InlineData("key_value", "=x")]
    [InlineData("key_value", "KEY")]
    [InlineData("key_value", "MY-KEY=x")]
    [InlineData("key_value", "KEY=a\nb")]
    [InlineData("memory_size", "6291455")]
    [InlineData("memory_size", "1025G")]
    [InlineData("memory_size", "512 M")]
    [InlineData("memory_size", "512MB")]
    [InlineData("memory_size", "-512M")]
    [InlineData("memory_size", "0.5G")]
    [InlineData("memory_size", "99999999999999999999K")]
    [InlineData("cpus", "0")]
    [InlineData("cpus", "0.00")]
    [InlineData("cpus", "1,5")]
    [InlineData("cpus", ".5")]
    [InlineData("cpus", "1.")]
    [InlineData("cpus", "1.125")]
    [InlineData("cpus", "1024.01")]
    [InlineData("cpus", "+1")]
    public void An_invalid_value_is_refused(string type, string value)
    {
        Assert.True(VariableTypes.TryParse(type, out var parsed));

        Assert.NotNull(VariableTypes.Validate(parsed, value));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/etc")]
    [InlineData("/usr")]
    [InlineData("/bin")]
    [InlineData("/root")]
    [InlineData("/run")]
    [InlineData("/var/lib/docker")]
    public void A_system_tree_is_refused_as_host_path_naming_the_rule(string path)
    {
        using var culture = UiCulture.English();

        var message = VariableTypes.Validate(VariableType.HostPath, path);

        Assert.Equal(
            $"'{path}' is a system path that cannot be shared with a container (forbidden, with everything under them: /, /etc, /usr, /bin, /sbin, /lib*, /boot, /root, /var/lib/docker, /var/lib/containers, /var/lib/lxc, /run (/var/run), /proc, /sys, /dev)",
            message);
    }

    [Theory]
    [InlineData("/proc/1/root", "/proc")]
    [InlineData("/sys/kernel", "/sys")]
    [InlineData("/dev/sda", "/dev")]
    [InlineData("/run/docker", "/run")]
    [InlineData("/run/docker.sock", "/run")]
    [InlineData("/var/run/docker.sock", "/var/run")]
    [InlineData("/root/.ssh", "/root")]
    [InlineData("/etc/ssh", "/etc")]
    [InlineData("/etc/shadow", "/etc")]
    [InlineData("/etc/nginx", "/etc")]
    [InlineData("/boot/x", "/boot")]
    [InlineData("/lib64/x", "/lib64")]
    [InlineData("/var/lib/containers/storage", "/var/lib/containers")]
    [InlineData("/var/lib/lxc/c1/rootfs", "/var/lib/lxc")]
    public void Anything_under_a_system_tree_is_refused_as_host_path(string path, string tree)
    {
        using var culture = UiCulture.English();

        Assert.Equal($"'{path}' cannot be shared with a container: nothing under {tree} can be", VariableTypes.Validate(VariableType.HostPath, path));
    }

    [Fact]
    public void A_host_path_through_a_symbolic_link_into_a_system_tree_is_refused()
    {
        using var culture = UiCulture.English();
        var folder = Directory.CreateTempSubdirectory("portique-hostpath-");
        try
        {
            var toRoot = Path.Join(folder.FullName, "to-root");
            File.CreateSymbolicLink(toRoot, "/");
            var toEtc = Path.Join(folder.FullName, "to-etc");
            File.CreateSymbolicLink(toEtc, "../../etc");

            Assert.Equal($"'{toRoot}' cannot be shared with a container: it leads to /, under /", VariableTypes.Validate(VariableType.HostPath, toRoot));
            Assert.Equal($"'{toEtc}/nginx' cannot be shared with a container: it leads to /etc/nginx, under /etc", VariableTypes.Validate(VariableType.HostPath, toEtc + "/nginx"));
            var dangling = Path.Join(folder.FullName, "dangling");
            File.CreateSymbolicLink(dangling, "/etc/portique-not-there-yet");
            Assert.Equal($"'{dangling}/data' cannot be shared with a container: it leads to /etc/portique-not-there-yet/data, under /etc", VariableTypes.Validate(VariableType.HostPath, dangling + "/data"));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_host_path_must_first_be_a_normalised_absolute_path()
    {
        using var culture = UiCulture.English();

        Assert.Equal("'/srv/../etc' is not a normalised absolute path: it must not contain a .. segment", VariableTypes.Validate(VariableType.HostPath, "/srv/../etc"));
    }

    [Fact]
    public void A_password_message_never_contains_the_password()
    {
        var message = VariableTypes.Validate(VariableType.Password, "s3cret\n");

        Assert.NotNull(message);
        Assert.DoesNotContain("s3cret", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("512M", 512L << 20)]
    [InlineData("512m", 512L << 20)]
    [InlineData("8192k", 8L << 20)]
    [InlineData("2G", 2L << 30)]
    [InlineData("10000000", 10_000_000L)]
    public void A_memory_size_is_read_in_powers_of_1024(string text, long bytes)
    {
        Assert.True(VariableTypes.TryParseMemorySize(text, out var parsed));
        Assert.Equal(bytes, parsed);
    }

    [Property(MaxTest = 1000)]
    public void Any_text_as_a_limit_is_either_refused_with_a_message_or_read_within_its_range(NonNull<string> text)
    {
        var value = text.Get;
        var memoryProblem = VariableTypes.Validate(VariableType.MemorySize, value);
        var cpusProblem = VariableTypes.Validate(VariableType.Cpus, value);

        Assert.Equal(memoryProblem is null, VariableTypes.TryParseMemorySize(value, out var bytes));
        Assert.Equal(cpusProblem is null, VariableTypes.TryParseCpus(value, out var cpus));
        Assert.True(memoryProblem is not null || bytes is >= VariableTypes.MinMemoryBytes and <= VariableTypes.MaxMemoryBytes);
        Assert.True(cpusProblem is not null || cpus is > 0 and <= VariableTypes.MaxCpus);
        Assert.True(memoryProblem is null || !memoryProblem.Contains('\n', StringComparison.Ordinal));
    }

    [Property(MaxTest = 1000)]
    public void A_memory_size_written_back_in_its_largest_unit_reads_the_same_bytes(PositiveInt mebibytes, byte extraKibibytes)
    {
        var bytes = Math.Min((long)mebibytes.Get << 20, VariableTypes.MaxMemoryBytes) + ((long)extraKibibytes << 10);

        Assert.True(Portique.Core.MemorySize.TryParse(Portique.Core.MemorySize.Format(bytes), out var back));
        Assert.Equal(bytes, back);
    }

    [Property(MaxTest = 1000)]
    public void A_cpu_count_with_at_most_two_decimals_is_read_exactly(PositiveInt hundredths)
    {
        var count = Math.Min(hundredths.Get, 102_400) / 100m;
        var text = count.ToString("0.##", CultureInfo.InvariantCulture);

        Assert.True(VariableTypes.TryParseCpus(text, out var cpus));
        Assert.Equal(count, cpus);
        Assert.Equal(text, cpus.ToString(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Every_type_name_round_trips()
    {
        foreach (var name in VariableTypes.Names.Except(["Number", "cidr"]))
        {
            Assert.True(VariableTypes.TryParse(name, out var type));
            Assert.Equal(name, type.ToCreoleName());
        }

        // EOLE's aliases: Number (EOLE 2.2/2.3) is number, cidr is ip_cidr.
        Assert.Equal(Enum.GetValues<VariableType>().Length + 2, VariableTypes.Names.Count);
        Assert.False(VariableTypes.TryParse("strng", out _));
    }

    [Theory]
    [InlineData(VariableType.Number, "12", 12L)]
    [InlineData(VariableType.Port, "8080", 8080L)]
    [InlineData(VariableType.Number, "douze", "douze")]
    [InlineData(VariableType.Ip, "10.0.0.1", "10.0.0.1")]
    public void Typed_values_are_longs_for_numbers_and_ports_and_text_otherwise(VariableType type, string value, object expected)
    {
        Assert.Equal(expected, VariableTypes.ToTyped(type, value));
    }

    [Fact]
    public void User_values_in_messages_are_shown_on_one_line()
    {
        using var culture = UiCulture.English();

        Assert.Equal("'a\\nb' is not an integer", VariableTypes.Validate(VariableType.Number, "a\nb"));
    }
}

public sealed class HostPathsApplyTimeTests
{
    [Fact]
    public void A_host_directory_that_became_a_link_into_a_system_tree_is_refused_just_before_the_mount()
    {
        using var culture = UiCulture.English();
        var folder = Directory.CreateTempSubdirectory("portique-hostpath-");
        try
        {
            var data = Path.Join(folder.FullName, "data");
            Assert.Null(VariableTypes.Validate(VariableType.HostPath, data));
            Portique.Core.HostPaths.EnsureAllowed("wiki", data);

            File.CreateSymbolicLink(data, "/var/run");

            var error = Assert.Throws<Portique.Core.RuntimeFailureException>(() => Portique.Core.HostPaths.EnsureAllowed("wiki", data));
            Assert.Equal($"The host folder {data} of service wiki is not mounted: it now leads to /run, under /run, which no container may be given.", error.Message);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
