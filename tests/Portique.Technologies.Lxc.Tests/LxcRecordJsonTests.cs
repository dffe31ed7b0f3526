using System.Text.Json;
using System.Text.Json.Serialization;
using Portique.Planning;

namespace Portique.Technologies.Lxc.Tests;

/// <summary>
/// The record is written by a source-generated contract (the shipped command is compiled ahead of time); containers
/// made by earlier versions carry records the reflection serializer wrote. Both must be the same text.
/// </summary>
public sealed class LxcRecordJsonTests
{
    private static readonly JsonSerializerOptions EarlierVersions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    // The unit tests' record, with every optional field set.
    private static LxcRecord Sample() => LxcUnitTests.Record(["A=1", "B=two words"], [new VolumeMapping("/srv/data", "/data")]) with
    {
        Ports = [new PortMapping(8080, 80), new PortMapping(5353, 53, PortProtocol.Udp)],
        PortsPublishedByFrontend = true,
        MemoryBytes = 256L * 1024 * 1024,
        Cpus = 1.5m,
        Created = new DateTimeOffset(2026, 12, 6, 5, 0, 0, TimeSpan.Zero),
    };

    [Fact]
    public void The_record_is_written_as_earlier_versions_wrote_it()
    {
        var record = Sample();
        Assert.Equal(JsonSerializer.Serialize(record, EarlierVersions), record.Serialize());
    }

    [Fact]
    public void A_record_written_by_an_earlier_version_is_read_back_whole()
    {
        var directory = Directory.CreateTempSubdirectory("portique-lxc-record-").FullName;
        try
        {
            var written = JsonSerializer.Serialize(Sample(), EarlierVersions);
            File.WriteAllText(Path.Join(directory, LxcRecord.FileName), written);
            var read = LxcRecord.TryRead(directory);
            Assert.NotNull(read);
            Assert.Equal(written, read.Serialize());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
