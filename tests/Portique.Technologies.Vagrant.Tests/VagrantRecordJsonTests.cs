using System.Text.Json;
using System.Text.Json.Serialization;
using Portique.Planning;

namespace Portique.Technologies.Vagrant.Tests;

/// <summary>
/// The record is written by a source-generated contract (the shipped command is compiled ahead of time); machines
/// made by earlier versions carry records the reflection serializer wrote, enums as camel-case names. Both must be
/// the same text.
/// </summary>
public sealed class VagrantRecordJsonTests
{
    private static readonly JsonSerializerOptions EarlierVersions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    // The Vagrantfile tests' record, with every optional field set.
    private static VagrantRecord Sample(VagrantProvider provider) => VagrantfileTests.Record(provider) with
    {
        Ports = [new PortMapping(8080, 80), new PortMapping(5353, 53, PortProtocol.Udp)],
        MemoryBytes = 512L * 1024 * 1024,
        Cpus = 2m,
        Address = provider == VagrantProvider.Docker ? "10.0.3.9" : null,
        Network = provider == VagrantProvider.Docker ? "10.0.3.0/24" : null,
        Created = new DateTimeOffset(2026, 12, 6, 5, 0, 0, TimeSpan.Zero),
    };

    [Theory]
    [InlineData(VagrantProvider.Docker)]
    [InlineData(VagrantProvider.Libvirt)]
    public void The_record_is_written_as_earlier_versions_wrote_it(VagrantProvider provider)
    {
        var record = Sample(provider);
        var serialized = record.Serialize();
        Assert.Equal(JsonSerializer.Serialize(record, EarlierVersions), serialized);
        Assert.Contains("\"protocol\": \"udp\"", serialized, StringComparison.Ordinal);
    }

    [Fact]
    public void A_record_written_by_an_earlier_version_is_read_back_whole()
    {
        var directory = Directory.CreateTempSubdirectory("portique-vagrant-record-").FullName;
        try
        {
            var written = JsonSerializer.Serialize(Sample(VagrantProvider.Libvirt), EarlierVersions);
            File.WriteAllText(Path.Join(directory, VagrantRecord.FileName), written);
            var read = VagrantRecord.TryRead(directory);
            Assert.NotNull(read);
            Assert.Equal(VagrantProvider.Libvirt, read.Provider);
            Assert.Equal(written, read.Serialize());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
