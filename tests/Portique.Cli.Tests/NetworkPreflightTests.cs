using System.Globalization;
using CliWrap;
using CliWrap.Buffered;
using Portique.Core;
using Portique.TestSupport;

namespace Portique.Cli.Tests;

/// <summary>
/// <c>reconfigure</c> refuses a private network whose addresses the host already routes elsewhere (a LAN, a VPN,
/// another engine's network or another root), before it writes a file or makes the bridge (docs/network.md).
/// </summary>
[Collection("cli")]
public sealed class NetworkPreflightTests : IAsyncLifetime, IDisposable
{
    private readonly TempRoot _root = new("portique-netcheck-");

    public Task InitializeAsync() => RequiredServices.DockerAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task A_private_network_that_another_interface_already_routes_is_refused_naming_the_variable_and_nothing_is_made()
    {
        var third = Random.Shared.Next(0, 256);
        var cidr = $"10.253.{third}.0/24";
        var other = "ptqn" + PrivateNetwork.RootTag(_root.Root.Directory);
        await RunAsync("ip", "link", "add", "name", other, "type", "bridge");
        try
        {
            await RunAsync("ip", "addr", "add", $"10.253.{third}.129/25", "dev", other);
            await RunAsync("ip", "link", "set", "dev", other, "up");
            var port = TestPorts.FreePort().ToString(CultureInfo.InvariantCulture);
            var set = await CliTests.RunInProcessAsync(_root, "set", "nombre_conteneur=1", "conteneur1_name=web", "conteneur1_url=portique/none",
                "conteneur1_port_in=8080", "conteneur1_port_out=" + port, "activer_reseau_conteneurs=oui", "reseau_conteneurs=" + cidr);
            Assert.True(set.Code == 0, set.Error);

            var (code, output, error) = await CliTests.RunInProcessAsync(_root, "reconfigure");

            Assert.True(code == 1, $"exit {code}\n{output}\n{error}");
            Assert.Contains("reseau_conteneurs", error, StringComparison.Ordinal);
            Assert.Contains($"10.253.{third}.128/25 ({other})", error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
            Assert.False(File.Exists(_root.Root.Resolve("/etc/eole/conteneur-vars.conf")));
            var bridge = await RunAsync("ip", "link", "show", "dev", PrivateNetwork.BridgeName(_root.Root.Directory));
            Assert.NotEqual(0, bridge.ExitCode);
        }
        finally
        {
            await RunAsync("ip", "link", "del", "dev", other);
        }
    }

    private static async Task<BufferedCommandResult> RunAsync(string program, params string[] arguments) =>
        await CliWrap.Cli.Wrap(program).WithArguments(arguments).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
}
