using System.CommandLine;
using Portique.Core;
using Portique.GenConfig;

namespace Portique.Cli;

/// <summary>
/// <c>portique [--root DIR] genconfig [--listen ADDR:PORT] [--https]</c>: the web interface to configure and apply;
/// <c>portique genconfig --set-password</c>: sets its administrator password, read from standard input.
/// </summary>
internal static class GenConfigCommand
{
    public static Command Create(CommandContext context)
    {
        var listen = new Option<string>("--listen")
        {
            Description = Text.HelpListen,
            DefaultValueFactory = _ => GenConfigOptions.DefaultListen,
        };
        var https = new Option<bool>("--https")
        {
            Description = Text.HelpHttps,
        };
        var allowedHosts = new Option<string[]>("--allowed-host")
        {
            Description = Text.HelpAllowedHost,
        };
        var setPassword = new Option<bool>("--set-password")
        {
            Description = Text.HelpSetPassword,
        };
        var command = new Command("genconfig", Text.HelpGenConfig)
        {
            listen,
            https,
            allowedHosts,
            setPassword,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var root = context.Root(parse);
            var store = PasswordStore.ForRoot(root);
            if (parse.GetValue(setPassword))
            {
                var interactive = !Console.IsInputRedirected;
                PasswordSetup.Run(store, interactive, interactive ? PasswordSetup.ReadHiddenLine : Console.In.ReadLine, context.Error);
                return 0;
            }

            if (!store.Exists)
            {
                throw new InvalidInputException("genconfig", Ui.NoPasswordForServer);
            }

            var options = new GenConfigOptions
            {
                Root = root,
                Listen = parse.GetValue(listen) ?? GenConfigOptions.DefaultListen,
                Https = parse.GetValue(https),
                AllowedHosts = parse.GetValue(allowedHosts) is { Length: > 0 } hosts ? hosts : null,
                Started = urls => context.Output.WriteLine(Ui.FormatListening(string.Join(", ", urls))),
            };
            await GenConfigServer.RunAsync(options, cancellationToken);
            return 0;
        });
        return command;
    }
}
