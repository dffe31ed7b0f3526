using System.CommandLine;
using Portique.Orchestration;

namespace Portique.Cli;

/// <summary>
/// <c>portique [--root DIR] network up</c>: brings the root's private network up (bridge, rules, names) from the
/// configuration and touches nothing else; run at boot by portique-network.service before the engines restart their
/// instances, since neither the bridge nor the rules survive a reboot (docs/network.md).
/// </summary>
internal static class NetworkCommand
{
    public static Command Create(CommandContext context)
    {
        var up = new Command("up", Text.HelpNetworkUp);
        up.SetAction(async (parse, cancellationToken) =>
        {
            var root = context.Root(parse);
            using var services = new PortiqueServices(root);
            var network = await services.Runner.EnsureNetworkAsync(new ReconfigureOptions(), cancellationToken);
            context.Output.WriteLine(network is null
                ? Text.NetworkOff
                : Text.FormatNetworkUp(network.Cidr, new PrivateBridge(root).Name));
            return 0;
        });
        return new Command("network", Text.HelpNetwork) { up };
    }
}
