using Portique.Cli;
using Portique.TestSupport;

namespace Portique.GenConfig.Tests;

/// <summary><c>portique genconfig</c> as the command line runs it. Console input is process-wide: these tests run one at a time.</summary>
[Collection(nameof(ConsoleInput))]
public sealed class CliTests
{
    private static async Task<(int Code, string Output, string Error)> RunAsync(string? input, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var previous = Console.In;
        if (input is not null)
        {
            Console.SetIn(new StringReader(input));
        }

        try
        {
            var code = await PortiqueCommandLine.RunAsync(args, output, error, CancellationToken.None);
            return (code, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetIn(previous);
        }
    }

    [Fact]
    public async Task Set_password_reads_standard_input_and_stores_a_0600_hash()
    {
        Assert.True(Console.IsInputRedirected, "the test host's standard input should be a pipe");
        using var root = new TempRoot();
        var (code, output, error) = await RunAsync("a piped password\n", "--root", root.Directory, "genconfig", "--set-password");

        Assert.True(code == 0, error);
        var store = PasswordStore.ForRoot(root.Root);
        Assert.True(store.Verify("a piped password"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.Path));
        Assert.DoesNotContain("a piped password", output + error, StringComparison.Ordinal);
        Assert.Contains("genconfig.passwd", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Set_password_refuses_a_short_or_missing_password()
    {
        using var root = new TempRoot();
        var (code, _, error) = await RunAsync("short\n", "--root", root.Directory, "genconfig", "--set-password");
        Assert.Equal(2, code);
        Assert.Contains("8", error, StringComparison.Ordinal);
        Assert.False(PasswordStore.ForRoot(root.Root).Exists);

        (code, _, _) = await RunAsync("", "--root", root.Directory, "genconfig", "--set-password");
        Assert.Equal(2, code);
    }

    [Fact]
    public async Task The_server_refuses_to_start_without_a_password_or_with_a_bad_address()
    {
        using var root = new TempRoot();
        var (code, _, error) = await RunAsync(null, "--root", root.Directory, "genconfig");
        Assert.Equal(2, code);
        Assert.Contains("--set-password", error, StringComparison.Ordinal);

        PasswordStore.ForRoot(root.Root).Set("a long enough password");
        (code, _, error) = await RunAsync(null, "--root", root.Directory, "genconfig", "--listen", "nowhere");
        Assert.Equal(2, code);
        Assert.Contains("nowhere", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Https_without_a_certificate_is_refused_with_what_to_do()
    {
        using var root = new TempRoot();
        PasswordStore.ForRoot(root.Root).Set("a long enough password");
        var (code, _, error) = await RunAsync(null, "--root", root.Directory, "genconfig", "--https", "--listen", "127.0.0.1:0");
        Assert.Equal(2, code);
        Assert.Contains("portique instance", error, StringComparison.Ordinal);
    }
}

[CollectionDefinition(nameof(ConsoleInput), DisableParallelization = true)]
public sealed class ConsoleInput;
