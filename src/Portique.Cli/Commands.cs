using System.CommandLine;
using System.Text.Json;
using Portique.Configuration;
using Portique.Core;
using Portique.Orchestration;
using Portique.Planning;
using Spectre.Console;

namespace Portique.Cli;

internal static class Commands
{
    public static IEnumerable<Command> All(CommandContext context)
    {
        yield return Get(context);
        yield return Set(context);
        yield return Validate(context);
        yield return Render(context);
        yield return Variables(context);
        yield return Plan(context);
        yield return Apply(context, ReconfigureMode.Instance);
        yield return Apply(context, ReconfigureMode.Reconfigure);
        yield return Status(context);
        yield return Logs(context);
        yield return Snapshots(context);
        yield return RollbackCommand(context);
        yield return GenConfigCommand.Create(context);
        yield return NetworkCommand.Create(context);
    }

    private static Command Get(CommandContext context)
    {
        var name = new Argument<string>("VAR") { Description = Text.HelpVariableName };
        var command = new Command("get", Text.HelpGet) { name };
        command.SetAction(parse =>
        {
            var workspace = new Workspace(context.Root(parse), Workspace.DefaultShippedDirectory);
            var variableName = parse.GetValue(name)!;
            var variable = workspace.Evaluate().Find(variableName)
                ?? throw new InvalidInputException(variableName, Text.UnknownVariable);
            foreach (var value in variable.Values)
            {
                context.Output.WriteLine(value ?? "");
            }

            return 0;
        });
        return command;
    }

    private static Command Set(CommandContext context)
    {
        var words = new Argument<string[]>("VAR VALUE...|VAR=VALUE...")
        {
            Arity = ArgumentArity.OneOrMore,
            Description = Text.HelpSetWords,
        };
        var command = new Command("set", Text.HelpSet)
        {
            words,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var workspace = new Workspace(context.Root(parse), Workspace.DefaultShippedDirectory);
            var report = workspace.Set(Assignments.Parse(parse.GetValue(words) ?? []), Owners.Portique, cancellationToken: cancellationToken);
            PrintWarnings(context, report.Warnings);
            foreach (var problem in report.Problems.Where(p => !p.IsIncomplete))
            {
                context.Error.WriteLine($"{Text.Warning}: {Text.StillInvalid}: {problem}");
            }

            // Saved: what is still missing is said, not refused (validate, plan and reconfigure will refuse it).
            var missing = report.Problems.Where(p => p.IsIncomplete).Select(p => p.Subject).Distinct(StringComparer.Ordinal).ToArray();
            if (missing.Length > 0)
            {
                context.Output.WriteLine(Text.FormatToComplete(string.Join(", ", missing)));
            }

            return Task.FromResult(0);
        });
        return command;
    }

    private static Command Validate(CommandContext context)
    {
        var command = new Command("validate", Text.HelpValidate);
        command.SetAction(parse =>
        {
            var workspace = new Workspace(context.Root(parse), Workspace.DefaultShippedDirectory);
            var report = workspace.Validate(workspace.Evaluate());
            PrintWarnings(context, report.Warnings);
            if (report.Problems.Count > 0)
            {
                throw new ConfigurationInvalidException(report.Problems);
            }

            context.Output.WriteLine(Text.FormatConfigurationValid(report.Desired.Services.Count));
            return 0;
        });
        return command;
    }

    private static Command Render(CommandContext context)
    {
        var outputDirectory = new Option<string?>("--output")
        {
            Description = Text.HelpRenderOutput,
        };
        var command = new Command("render", Text.HelpRender)
        {
            outputDirectory,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var workspace = new Workspace(context.Root(parse), Workspace.DefaultShippedDirectory);
            var configuration = workspace.Evaluate();
            var report = workspace.Validate(configuration);
            if (report.Problems.Count > 0)
            {
                throw new ConfigurationInvalidException(report.Problems);
            }

            var files = workspace.RenderAll(configuration);
            var preview = parse.GetValue(outputDirectory) is { } directory ? new PortiqueRoot(directory) : null;
            if (preview is not null)
            {
                files = files.Select(f => f with { Destination = preview.Resolve(f.Declaration.Name) }).ToArray();
            }
            else
            {
                foreach (var file in files.Where(f => f.Content is not null && Workspace.IsFrontendFile(f.Declaration)))
                {
                    context.Output.WriteLine(Text.FormatFrontendFileDeferred(file.Declaration.Name));
                }
            }

            var changed = await Workspace.WriteAsync(files, cancellationToken, includeFrontend: preview is not null);
            foreach (var file in changed)
            {
                context.Output.WriteLine(Text.FormatFileChanged(file));
            }

            if (changed.Count == 0)
            {
                context.Output.WriteLine(Text.NoFileChanged);
            }

            return 0;
        });
        return command;
    }

    private static Command Variables(CommandContext context)
    {
        var all = new Option<bool>("--all") { Description = Text.HelpVariablesAll };
        var command = new Command("variables", Text.HelpVariables) { all };
        command.SetAction(parse =>
        {
            var workspace = new Workspace(context.Root(parse), Workspace.DefaultShippedDirectory);
            var configuration = workspace.Evaluate();
            var table = new Table().AddColumns(Text.Family, Text.Variable, Text.Type, Text.Value, Text.Description);
            foreach (var family in configuration.Families.Where(f => parse.GetValue(all) || !f.Disabled))
            {
                foreach (var variable in family.Variables.Select(configuration.Find).OfType<EvaluatedVariable>())
                {
                    if (variable.Disabled && !parse.GetValue(all))
                    {
                        continue;
                    }

                    var state = variable.Disabled || family.Disabled ? $" ({Text.Disabled})" : variable.Hidden ? $" ({Text.Hidden})" : "";
                    table.AddRow(
                        Markup.Escape(family.Name),
                        Markup.Escape(variable.Name + state),
                        Markup.Escape(TypeOf(variable)),
                        Markup.Escape(string.Join(", ", variable.DisplayValues.Select(v => v ?? ""))),
                        Markup.Escape(variable.Description));
                }
            }

            context.Console.Write(table);
            return 0;
        });
        return command;
    }

    private static Command Plan(CommandContext context)
    {
        var json = new Option<bool>("--json") { Description = Text.HelpJson };
        var command = new Command("plan", Text.HelpPlan) { json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var services = new PortiqueServices(context.Root(parse), readOnly: true);
            var report = await services.Runner.PlanAsync(cancellationToken);
            if (parse.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(
                    new PlanDocument(
                        report.HasChanges,
                        [.. report.Plan.Actions.Select(a => new PlannedServiceDocument(
                            a.Name,
                            a.Kind,
                            a.Reasons,
                            a.Desired?.Technology.Name ?? a.Observed?.Technology.Name,
                            a.Replacement switch
                            {
                                ReplacementOrder.StartFirst => "sans_coupure",
                                ReplacementOrder.StopFirst => "arret_prealable",
                                ReplacementOrder.Rolling => "tache_par_tache",
                                _ => null,
                            },
                            a.Observed?.Tasks is { Count: > 0 } tasks ? tasks : null))],
                        new FrontendDocument(report.Frontend.Added, report.Frontend.Changed, report.Frontend.Removed),
                        [.. report.Problems.Select(p => p.ToString())],
                        report.Warnings),
                    CliJsonContext.Default.PlanDocument));
            }
            else
            {
                var table = new Table().AddColumns(Text.Service, Text.Technology, Text.Action, Text.Reason);
                // Where the tasks run now, only when a swarm of several nodes runs a service (docs/multi-host.md).
                var tasks = report.Plan.Actions.Any(a => a.Observed?.Tasks.Count > 0);
                if (tasks)
                {
                    table.AddColumn(Text.TasksColumn);
                }

                foreach (var action in report.Plan.Actions)
                {
                    string[] taskCell = tasks
                        ? [Markup.Escape(string.Join(", ", (action.Observed?.Tasks ?? []).Select(t => $"{t.Node}: {t.State}")))]
                        : [];
                    table.AddRow(
                    [
                        Markup.Escape(action.Name),
                        Markup.Escape(action.Desired?.Technology.Name ?? action.Observed?.Technology.Name ?? ""),
                        Markup.Escape(action.Replacement switch
                        {
                            ReplacementOrder.StartFirst => Text.FormatActionWithOrder(Text.ActionName(action.Kind), Text.OrderStartFirst),
                            ReplacementOrder.StopFirst => Text.FormatActionWithOrder(Text.ActionName(action.Kind), Text.OrderStopFirst),
                            ReplacementOrder.Rolling => Text.FormatActionWithOrder(Text.ActionName(action.Kind), Text.OrderRolling),
                            _ => Text.ActionName(action.Kind),
                        }),
                        Markup.Escape(string.Join("; ", action.Reasons)),
                        .. taskCell,
                    ]);
                }

                context.Console.Write(table);
                context.Output.WriteLine(report.Frontend.HasChanges
                    ? Text.FormatFrontendChanges(string.Join(", ", report.Frontend.All))
                    : Text.FrontendUnchanged);
                PrintLines(context, report.Warnings);
            }

            if (report.Problems.Count > 0)
            {
                throw new PreflightException(report.Problems);
            }

            return report.HasChanges ? (int)ExitCode.ChangesPending : 0;
        });
        return command;
    }

    private static Command Apply(CommandContext context, ReconfigureMode mode)
    {
        var pull = new Option<bool>("--pull") { Description = Text.HelpPull };
        var command = mode == ReconfigureMode.Instance
            ? new Command("instance", Text.HelpInstance)
            : new Command("reconfigure", Text.HelpReconfigure);
        command.Options.Add(pull);
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var services = new PortiqueServices(context.Root(parse));
            var progress = new ConsoleProgress(context.LineConsole);
            var report = await services.Runner.RunAsync(mode, new ReconfigureOptions { Refresh = parse.GetValue(pull) }, progress, cancellationToken);
            foreach (var failed in report.Services.Outcomes.Where(o => !o.Succeeded))
            {
                context.Error.WriteLine($"{failed.Name}: {failed.Message}");
                foreach (var line in failed.LogTail)
                {
                    context.Error.WriteLine($"  | {line}");
                }
            }

            return report.Succeeded ? 0 : (int)ExitCode.RuntimeFailure;
        });
        return command;
    }

    private static Command Status(CommandContext context)
    {
        var json = new Option<bool>("--json") { Description = Text.HelpJson };
        var updates = new Option<bool>("--updates") { Description = Text.HelpUpdates };
        var command = new Command("status", Text.HelpStatus) { json, updates };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var services = new PortiqueServices(context.Root(parse), reconcilerOptions: new ReconcilerOptions { ReportUnusedEngines = true }, readOnly: true);
            var reader = new StatusReader(services.Workspace, services.Reconciler);
            var checkUpdates = parse.GetValue(updates);
            var (statuses, warnings) = await reader.ReadAsync(cancellationToken, checkUpdates);
            // --updates: a comparison that could not be made (registry unreachable...) is a runtime failure (1).
            var exitCode = statuses.Any(s => s.Update?.State == UpdateState.Unknown) ? (int)ExitCode.RuntimeFailure : 0;
            if (parse.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(new StatusDocument(statuses, warnings), CliJsonContext.Default.StatusDocument));
                return exitCode;
            }

            // The private address column appears only when the root's network is on (docs/network.md).
            var addresses = statuses.Any(s => s.Address is not null);
            var table = new Table().AddColumns(Text.Service, Text.Technology, Text.State, Text.Version, Text.Ports, "URL");
            if (addresses)
            {
                table.AddColumn(Text.Address);
            }

            // The limits column appears only when a service has limits (conteneurN_memoire, conteneurN_cpu).
            var limits = statuses.Any(s => s.Limits is not null);
            if (limits)
            {
                table.AddColumn(Text.LimitsColumn);
            }

            // The tasks column appears only when a swarm of several nodes runs a service (docs/multi-host.md).
            var tasks = statuses.Any(s => s.Tasks is not null);
            if (tasks)
            {
                table.AddColumn(Text.TasksColumn);
            }

            if (checkUpdates)
            {
                table.AddColumn(Text.UpdateColumn);
            }

            foreach (var status in statuses)
            {
                string[] cells =
                [
                    Markup.Escape(status.Name + (status.Configured ? "" : $" ({Text.NotConfigured})")),
                    Markup.Escape(status.Technology),
                    Markup.Escape(status.State),
                    Markup.Escape(status.Version ?? ""),
                    Markup.Escape(string.Join(", ", status.Ports.Select(p => $"{p.HostPort}→{p.ContainerPort}"))),
                    Markup.Escape(status.Url ?? ""),
                ];
                string[] extra =
                [
                    .. addresses ? [Markup.Escape(status.Address ?? "")] : Array.Empty<string>(),
                    .. limits ? [Markup.Escape(status.Limits ?? "")] : Array.Empty<string>(),
                    .. tasks ? [Markup.Escape(status.TasksText ?? "")] : Array.Empty<string>(),
                    .. checkUpdates ? [Markup.Escape(UpdateText(status.Update))] : Array.Empty<string>(),
                ];
                table.AddRow([.. cells, .. extra]);
            }

            context.Console.Write(table);
            if (checkUpdates)
            {
                // One plain line per service, for scripts and mail: what the table says, with the reason.
                foreach (var status in statuses.Where(s => s.Update is not null))
                {
                    var line = $"{status.Name}: {UpdateText(status.Update)}" + (status.Update!.Detail is { Length: > 0 } detail ? $" ({detail})" : "");
                    (status.Update.State == UpdateState.Unknown ? context.Error : context.Output).WriteLine(line);
                }
            }

            PrintLines(context, warnings);
            return exitCode;
        });
        return command;
    }

    private static Command Logs(CommandContext context)
    {
        var name = new Argument<string>("NAME") { Description = Text.HelpServiceName };
        var follow = new Option<bool>("--follow", "-f") { Description = Text.HelpFollow };
        var tail = new Option<int>("--tail") { Description = Text.HelpTail, DefaultValueFactory = _ => 100 };
        var command = new Command("logs", Text.HelpLogs) { name, follow, tail };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var services = new PortiqueServices(context.Root(parse), readOnly: true);
            var reader = new StatusReader(services.Workspace, services.Reconciler);
            var serviceName = parse.GetValue(name)!;
            var driver = await reader.DriverForAsync(serviceName, cancellationToken);
            if (parse.GetValue(follow))
            {
                await foreach (var line in driver.FollowLogsAsync(serviceName, cancellationToken))
                {
                    await context.Output.WriteLineAsync(line);
                }
            }
            else
            {
                var lines = await driver.ReadLogsAsync(serviceName, parse.GetValue(tail), cancellationToken);
                foreach (var line in lines)
                {
                    await context.Output.WriteLineAsync(line);
                }

                if (lines.Count == 0)
                {
                    // Said on the error stream: the log itself (standard output) stays empty for scripts.
                    await context.Error.WriteLineAsync(Text.FormatLogsEmpty(serviceName));
                }
            }

            return 0;
        });
        return command;
    }

    private static Command Snapshots(CommandContext context)
    {
        var name = new Argument<string?>("NAME") { Description = Text.HelpServiceName, Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("snapshots", Text.HelpSnapshots) { name };
        command.SetAction(parse =>
        {
            var service = parse.GetValue(name);
            var snapshots = new SnapshotStore(context.Root(parse)).List(service);
            if (snapshots.Count == 0)
            {
                context.Output.WriteLine(service is null ? Text.NoSnapshots : Text.FormatNoSnapshotsOf(service));
                return 0;
            }

            var table = new Table().AddColumns(Text.Service, Text.SnapshotId, Text.SnapshotDate, Text.SnapshotSize, Text.Reason);
            foreach (var snapshot in snapshots)
            {
                table.AddRow(
                    Markup.Escape(snapshot.Service),
                    Markup.Escape(snapshot.Id),
                    Markup.Escape(snapshot.Created.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)),
                    Markup.Escape(UsageText.Approximate(snapshot.Size)),
                    Markup.Escape(snapshot.Reason));
            }

            context.Console.Write(table);
            return 0;
        });
        return command;
    }

    private static Command RollbackCommand(CommandContext context)
    {
        var name = new Argument<string>("NAME") { Description = Text.HelpServiceName };
        var snapshot = new Argument<string?>("SNAPSHOT") { Description = Text.HelpSnapshotId, Arity = ArgumentArity.ZeroOrOne };
        var withData = new Option<bool>("--with-data") { Description = Text.HelpWithData };
        var command = new Command("rollback", Text.HelpRollback) { name, snapshot, withData };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var services = new PortiqueServices(context.Root(parse));
            var progress = new ConsoleProgress(context.LineConsole);
            var (restored, saved, report) = await services.RollbackAsync(
                parse.GetValue(name)!, parse.GetValue(snapshot), parse.GetValue(withData), progress, cancellationToken);
            foreach (var failed in report.Services.Outcomes.Where(o => !o.Succeeded))
            {
                context.Error.WriteLine($"{failed.Name}: {failed.Message}");
            }

            if (!report.Succeeded)
            {
                return (int)ExitCode.RuntimeFailure;
            }

            context.Output.WriteLine(Text.FormatRolledBack(parse.GetValue(name)!, restored.Id, saved.Id));
            return 0;
        });
        return command;
    }

    /// <summary>A closed <c>valid_enum</c> is what the administrator must choose from: shown as such, with its values.</summary>
    internal static string TypeOf(EvaluatedVariable variable)
    {
        var type = variable.Choices.Count > 0 && !variable.OtherChoicesAllowed
            ? $"enum ({string.Join(", ", variable.Choices)})"
            : variable.TypeName;
        return type + (variable.Multi ? " multi" : "");
    }

    private static void PrintWarnings(CommandContext context, IReadOnlyList<Diagnostic> warnings)
    {
        foreach (var warning in warnings)
        {
            context.Error.WriteLine($"{Text.Warning}: {warning}");
        }
    }

    private static string UpdateText(UpdateCheck? update) => update?.State switch
    {
        UpdateState.UpToDate => Text.UpdateUpToDate,
        UpdateState.UpdateAvailable => Text.UpdateAvailable,
        UpdateState.NotApplicable => Text.UpdateNotApplicable,
        UpdateState.Unknown => Text.UpdateUnknown,
        _ => "",
    };

    private static void PrintLines(CommandContext context, IEnumerable<string> warnings)
    {
        foreach (var warning in warnings)
        {
            context.Error.WriteLine($"{Text.Warning}: {warning}");
        }
    }
}
