using Portique.Orchestration;
using Portique.TestSupport;

namespace Portique.Cli.Tests;

/// <summary><c>portique snapshots</c> and <c>portique rollback</c>'s answers that need no engine: listings, help, exit codes.</summary>
[Collection("cli")]
public sealed class SnapshotCommandTests : IDisposable
{
    private readonly TempRoot _root = new("portique-snapcli-");

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task Snapshots_lists_each_snapshot_with_its_id_date_size_and_reason_and_says_when_there_is_none()
    {
        var none = await CliTests.RunInProcessAsync(_root, "--lang", "en", "snapshots", "web");
        Assert.Equal((0, "No snapshot of web yet: one is taken before each replacement"), (none.Code, none.Output.Trim()));

        var volume = _root.PathOf("srv", "web");
        Directory.CreateDirectory(volume);
        File.WriteAllBytes(Path.Join(volume, "blob"), new byte[2 << 20]);
        var taken = await new SnapshotStore(_root.Root).TakeAsync("web", "before replacement: tag: 1.0 → 2.0", null, null, [volume], null, CancellationToken.None);

        var (code, output, error) = await CliTests.RunInProcessAsync(_root, "--lang", "en", "snapshots");

        Assert.True(code == 0, error);
        Assert.Contains(taken.Id, output, StringComparison.Ordinal);
        Assert.Contains("before replacement: tag: 1.0 → 2.0", output, StringComparison.Ordinal);
        Assert.Contains("2M", output, StringComparison.Ordinal);
        Assert.Contains(taken.Created.ToLocalTime().ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture), output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("snapshots", "../etc")]
    [InlineData("rollback", "../etc")]
    [InlineData("rollback", "web")]
    public async Task An_invalid_or_unknown_name_exits_2_with_a_message_and_no_stack_trace(string verb, string name)
    {
        var (code, _, error) = await CliTests.RunInProcessAsync(_root, "--lang", "en", verb, name);

        Assert.Equal(2, code);
        Assert.Contains(name, error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rollback_help_says_what_it_does_and_its_exit_codes_in_the_chosen_language()
    {
        var english = await CliTests.RunInProcessAsync(_root, "--lang", "en", "rollback", "--help");
        var french = await CliTests.RunInProcessAsync(_root, "--lang", "fr", "rollback", "--help");

        Assert.Contains("--with-data", english.Output, StringComparison.Ordinal);
        Assert.Contains("Exit 2: unknown service or snapshot", english.Output, StringComparison.Ordinal);
        Assert.Contains("Code 2 : service ou instantané inconnu", french.Output, StringComparison.Ordinal);
    }
}
