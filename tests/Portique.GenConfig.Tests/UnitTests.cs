using System.Globalization;
using Portique.Core;

namespace Portique.GenConfig.Tests;

public sealed class PasswordStoreTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("portique-passwd-").FullName;

    private string PathOf(string name) => Path.Join(_folder, "etc", "portique", name);

    [Fact]
    public void The_hash_is_salted_slow_pbkdf2_in_a_0600_file()
    {
        var store = new PasswordStore(PathOf("genconfig.passwd"));
        store.Set("un mot de passe long");

        var line = File.ReadAllText(store.Path).Trim();
        var parts = line.Split('$');
        Assert.Equal("pbkdf2-sha256", parts[0]);
        Assert.True(int.Parse(parts[1], CultureInfo.InvariantCulture) >= 210_000);
        Assert.Equal(16, Convert.FromBase64String(parts[2]).Length);
        Assert.Equal(32, Convert.FromBase64String(parts[3]).Length);
        Assert.DoesNotContain("un mot de passe long", line, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.Path));

        Assert.True(store.Verify("un mot de passe long"));
        Assert.False(store.Verify("un mot de passe lonG"));
        Assert.False(store.Verify(""));
        Assert.False(store.Verify(null));
    }

    [Fact]
    public void Each_setting_draws_a_new_salt_and_changes_the_stamp()
    {
        var store = new PasswordStore(PathOf("genconfig.passwd"));
        store.Set("same password here");
        var first = File.ReadAllText(store.Path);
        var stamp = store.Stamp();
        store.Set("same password here");
        Assert.NotEqual(first, File.ReadAllText(store.Path));
        Assert.NotEqual(stamp, store.Stamp());
        Assert.True(store.Verify("same password here"));
    }

    [Fact]
    public void Short_or_multi_line_passwords_are_refused_and_a_missing_file_verifies_nothing()
    {
        var store = new PasswordStore(PathOf("genconfig.passwd"));
        Assert.Throws<InvalidInputException>(() => store.Set("short"));
        Assert.Throws<InvalidInputException>(() => store.Set("two\nlines here"));
        Assert.False(store.Exists);
        Assert.False(store.Verify("anything at all"));
        Assert.Null(store.Stamp());
    }

    [Fact]
    public void A_damaged_file_verifies_nothing()
    {
        var store = new PasswordStore(PathOf("genconfig.passwd"));
        Directory.CreateDirectory(Path.GetDirectoryName(store.Path)!);
        File.WriteAllText(store.Path, "pbkdf2-sha256$x$y$z\n");
        Assert.False(store.Verify("anything at all"));
    }

    [Fact]
    public void Set_password_reads_twice_on_a_terminal_once_from_a_pipe()
    {
        var store = new PasswordStore(PathOf("genconfig.passwd"));
        var prompts = new StringWriter();
        var answers = new Queue<string?>(["first password", "other password"]);
        var mismatch = Assert.Throws<InvalidInputException>(() => PasswordSetup.Run(store, interactive: true, answers.Dequeue, prompts));
        Assert.Contains("diffèrent", mismatch.Message, StringComparison.Ordinal);
        Assert.False(store.Exists);

        answers = new Queue<string?>(["first password", "first password"]);
        PasswordSetup.Run(store, interactive: true, answers.Dequeue, prompts);
        Assert.True(store.Verify("first password"));
        Assert.DoesNotContain("first password", prompts.ToString(), StringComparison.Ordinal);

        var piped = new StringReader("piped password\n");
        PasswordSetup.Run(store, interactive: false, piped.ReadLine, TextWriter.Null);
        Assert.True(store.Verify("piped password"));

        Assert.Throws<InvalidInputException>(() => PasswordSetup.Run(store, interactive: false, new StringReader("").ReadLine, TextWriter.Null));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

public sealed class LoginThrottleTests
{
    [Fact]
    public void Five_failures_are_free_then_the_delay_doubles_up_to_fifteen_minutes()
    {
        var clock = new ManualClock(DateTimeOffset.UnixEpoch);
        var throttle = new LoginThrottle(clock);
        for (var i = 0; i < LoginThrottle.FreeFailures; i++)
        {
            Assert.Null(throttle.RetryAfter("10.0.0.1"));
            throttle.Failed("10.0.0.1");
        }

        Assert.Equal(TimeSpan.FromSeconds(15), throttle.RetryAfter("10.0.0.1"));
        Assert.Null(throttle.RetryAfter("10.0.0.2"));
        clock.Advance(TimeSpan.FromSeconds(15));
        Assert.Null(throttle.RetryAfter("10.0.0.1"));
        throttle.Failed("10.0.0.1");
        Assert.Equal(TimeSpan.FromSeconds(30), throttle.RetryAfter("10.0.0.1"));

        Assert.Equal(TimeSpan.FromMinutes(15), LoginThrottle.DelayAfter(50));
        throttle.Succeeded("10.0.0.1");
        Assert.Null(throttle.RetryAfter("10.0.0.1"));
    }
}

public sealed class UiTests
{
    [Fact]
    public void Listen_addresses_are_parsed_strictly()
    {
        Assert.Equal("127.0.0.1:7900", GenConfigServer.ParseListen("127.0.0.1:7900").ToString());
        Assert.Equal("[::1]:8080", GenConfigServer.ParseListen("[::1]:8080").ToString());
        Assert.Equal("127.0.0.1:80", GenConfigServer.ParseListen("localhost:80").ToString());
        Assert.Throws<InvalidInputException>(() => GenConfigServer.ParseListen("7900"));
        Assert.Throws<InvalidInputException>(() => GenConfigServer.ParseListen("example.org:80"));
    }
}
