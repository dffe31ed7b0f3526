using System.CommandLine;
using Portique.Core;
using Spectre.Console;

namespace Portique.Cli;

/// <summary>
/// <c>portique [--root DIR] [--lang fr|en] VERB</c>. Every verb returns a documented exit code:
/// 0 success, 1 runtime failure, 2 invalid input or configuration (nothing changed), 3 changes pending (<c>plan</c>).
/// </summary>
internal static class PortiqueCommandLine
{
    /// <summary>How long the process waits, after SIGINT or SIGTERM, for the step in progress to finish or roll back.</summary>
    internal static readonly TimeSpan TerminationGrace = new Planning.ReconcilerOptions().InterruptGrace + TimeSpan.FromSeconds(15);

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        args = ValuesAfterSetVariable(args);
        // The language is known before the commands are built, so that --help speaks one language.
        Localization.Apply(Localization.Choose(LanguageOf(args), Environment.GetEnvironmentVariable));
        var rootOption = new Option<string>("--root")
        {
            Description = Text.HelpRoot,
            DefaultValueFactory = _ => "/",
            Recursive = true,
        };
        var langOption = new Option<string?>("--lang")
        {
            Description = Text.HelpLang,
            Recursive = true,
        };
        langOption.AcceptOnlyFromAmong("fr", "en");

        var console = CreateConsole(output);
        var context = new CommandContext(rootOption, langOption, console, output, error)
        {
            // Progress lines are never broken by the console's width: a message (a failed pull's "manifest ...
            // not found") stays on one line, which the terminal wraps at display time only.
            LineConsole = CreateConsole(output, lineWidth: 100_000),
        };
        var root = new RootCommand(Text.HelpPortique + "\n" + Text.HelpExitCodes)
        {
            rootOption,
            langOption,
        };
        foreach (var command in Commands.All(context))
        {
            root.Subcommands.Add(command);
        }

        // System.CommandLine's French resources lack this one line: --help speaks the chosen language too.
        foreach (var help in root.Options.OfType<System.CommandLine.Help.HelpOption>())
        {
            help.Description = Text.HelpHelp;
        }

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var parseError in parse.Errors)
            {
                await error.WriteLineAsync(parseError.Message);
            }

            await error.WriteLineAsync("portique --help");
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
            }, cancellationToken);
        }
        catch (PortiqueException e)
        {
            await ReportAsync(error, e);
            return (int)e.ExitCode;
        }
        catch (OperationCanceledException)
        {
            await error.WriteLineAsync(Text.Interrupted);
            return (int)ExitCode.RuntimeFailure;
        }
    }

    /// <summary>The value of <c>--lang X</c> or <c>--lang=X</c> among the global options, if any.</summary>
    internal static string? LanguageOf(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count && args[i] != "--"; i++)
        {
            if (args[i] == "--lang" && i + 1 < args.Count)
            {
                return args[i + 1];
            }

            if (args[i].StartsWith("--lang=", StringComparison.Ordinal))
            {
                return args[i]["--lang=".Length..];
            }
        }

        return null;
    }

    /// <summary>
    /// <c>set VAR VALUE...</c>: everything after the verb is a variable and its values, even a value that looks like an
    /// option (<c>set conteneur1_url --help</c>); <c>set --help</c> alone still asks for help.
    /// </summary>
    internal static string[] ValuesAfterSetVariable(string[] args)
    {
        var i = 0;
        while (i < args.Length && args[i].StartsWith('-'))
        {
            // Global options before the verb: --root DIR, --lang X (or --root=DIR).
            i += args[i] is "--root" or "--lang" ? 2 : 1;
        }

        if (i + 1 >= args.Length || args[i] != "set" || args[i + 1].StartsWith('-'))
        {
            return args;
        }

        return [.. args[..(i + 1)], "--", .. args[(i + 1)..]];
    }

    internal static async Task ReportAsync(TextWriter error, PortiqueException exception)
    {
        if (exception is InvalidInputException invalid)
        {
            foreach (var diagnostic in invalid.Diagnostics)
            {
                await error.WriteLineAsync(diagnostic.ToString());
            }
        }
        else
        {
            await error.WriteLineAsync(exception.Message);
        }
    }

    internal static IAnsiConsole CreateConsole(TextWriter output, int? lineWidth = null)
    {
        var interactive = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (lineWidth is { } width)
        {
            console.Profile.Width = width;
        }
        else if (!interactive)
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
    /// <summary>The same output as <see cref="Console"/>, for lines that must never be wrapped (progress).</summary>
    public required IAnsiConsole LineConsole { get; init; }

    public PortiqueRoot Root(ParseResult parse) => new(parse.GetValue(RootOption) ?? "/");
}
