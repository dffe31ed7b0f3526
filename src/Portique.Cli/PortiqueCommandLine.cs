using System.CommandLine;
using System.Globalization;
using Portique.Core;
using Spectre.Console;

namespace Portique.Cli;

/// <summary>
/// <c>portique [--root DIR] [--lang fr|en] VERB</c>. Every verb returns a documented exit code:
/// 0 success, 1 runtime failure, 2 invalid input or configuration (nothing changed), 3 changes pending (<c>plan</c>).
/// </summary>
public static class PortiqueCommandLine
{
    internal const string ExitCodesHelp =
        "Codes de sortie / exit codes: 0 succès/success; 1 échec à l'exécution/runtime failure; " +
        "2 entrée ou configuration invalide, rien n'est modifié/invalid input or configuration, nothing changed; " +
        "3 (plan) des changements sont en attente/changes pending.";

    /// <summary>How long the process waits, after SIGINT or SIGTERM, for the step in progress to finish or roll back.</summary>
    internal static readonly TimeSpan TerminationGrace = new Planning.ReconcilerOptions().InterruptGrace + TimeSpan.FromSeconds(15);

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        var rootOption = new Option<string>("--root")
        {
            Description = "Racine sous laquelle tous les chemins EOLE sont résolus / root every EOLE path is resolved under",
            DefaultValueFactory = _ => "/",
            Recursive = true,
        };
        var langOption = new Option<string?>("--lang")
        {
            Description = "Langue des messages : fr (défaut) ou en / message language: fr (default) or en",
            Recursive = true,
        };
        langOption.AcceptOnlyFromAmong("fr", "en");

        var console = CreateConsole(output);
        var context = new CommandContext(rootOption, langOption, console, output, error);
        var root = new RootCommand(
            "Portique : héberge des services web (docker, docker+git, lxc, podman, swarm, vagrant, qemu, snap) publiés en /<nom> par nginx, configurés à la manière d'EOLE.\n" +
            ExitCodesHelp)
        {
            rootOption,
            langOption,
        };
        foreach (var command in Commands.All(context))
        {
            root.Subcommands.Add(command);
        }

        var parse = root.Parse(args);
        Localization.Apply(Localization.Choose(parse.GetValue(langOption), Environment.GetEnvironmentVariable));
        if (parse.Errors.Count > 0)
        {
            foreach (var parseError in parse.Errors)
            {
                await error.WriteLineAsync(parseError.Message).ConfigureAwait(false);
            }

            await error.WriteLineAsync("portique --help").ConfigureAwait(false);
            return (int)ExitCode.InvalidInput;
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration
            {
                Output = output,
                Error = error,
                EnableDefaultExceptionHandler = false,
                // SIGINT/SIGTERM cancel the run; a replacement in progress is then rolled back (the old instance gets its
                // name back and starts) within the reconciler's grace (45 s, longer than the engines' 10 s stop), so the
                // process waits for that instead of System.CommandLine's default 2 s.
                ProcessTerminationTimeout = TerminationGrace,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (PortiqueException e)
        {
            await ReportAsync(error, e).ConfigureAwait(false);
            return (int)e.ExitCode;
        }
        catch (OperationCanceledException)
        {
            await error.WriteLineAsync(CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en" ? "interrupted" : "interrompu").ConfigureAwait(false);
            return (int)ExitCode.RuntimeFailure;
        }
    }

    internal static async Task ReportAsync(TextWriter error, PortiqueException exception)
    {
        if (exception is InvalidInputException invalid)
        {
            foreach (var diagnostic in invalid.Diagnostics)
            {
                await error.WriteLineAsync(diagnostic.ToString()).ConfigureAwait(false);
            }
        }
        else
        {
            await error.WriteLineAsync(exception.Message).ConfigureAwait(false);
        }
    }

    private static IAnsiConsole CreateConsole(TextWriter output)
    {
        var interactive = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!interactive)
        {
            // Logs and pipes have no width: keep table rows on one line rather than Spectre's 80 columns.
            console.Profile.Width = 200;
        }

        return console;
    }
}

/// <summary>What every verb needs: the global options and where to write.</summary>
internal sealed record CommandContext(
    Option<string> RootOption,
    Option<string?> LangOption,
    IAnsiConsole Console,
    TextWriter Output,
    TextWriter Error)
{
    public PortiqueRoot Root(ParseResult parse) => new(parse.GetValue(RootOption) ?? "/");
}
