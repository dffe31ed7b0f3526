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
            Description = "Adresse d'écoute ADRESSE:PORT, la boucle locale par défaut / listen address ADDR:PORT, the loopback by default",
            DefaultValueFactory = _ => GenConfigOptions.DefaultListen,
        };
        var https = new Option<bool>("--https")
        {
            Description = "Sert en https avec le certificat du frontal / serve https with the frontend's certificate",
        };
        var allowedHosts = new Option<string[]>("--allowed-host")
        {
            Description = "Nom d'hôte (en-tête Host) accepté, répétable ; par défaut l'adresse d'écoute (et localhost en boucle locale) / " +
                "accepted host name (Host header), repeatable; default: the listen address (and localhost on the loopback)",
        };
        var setPassword = new Option<bool>("--set-password")
        {
            Description = "Définit le mot de passe administrateur, lu sur l'entrée standard (deux fois sur un terminal) / " +
                "set the administrator password, read from standard input (twice on a terminal)",
        };
        var command = new Command("genconfig", "Interface web pour configurer et appliquer (gen_config) / web interface to configure and apply")
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
                Started = urls => context.Output.WriteLine(Ui.Listening(string.Join(", ", urls))),
            };
            await GenConfigServer.RunAsync(options, cancellationToken).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
