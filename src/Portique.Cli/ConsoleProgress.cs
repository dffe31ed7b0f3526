using Portique.Planning;
using Spectre.Console;

namespace Portique.Cli;

/// <summary>
/// A line per step and per service, as they happen (synchronously, so lines keep their order).
/// Colours only on a terminal; plain lines otherwise, fit for logs.
/// </summary>
internal sealed class ConsoleProgress(IAnsiConsole console) : IProgress<ReconcileEvent>
{
    private readonly Lock _gate = new();

    public void Report(ReconcileEvent value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var who = value.Service is null ? "" : $"[[{Markup.Escape(value.Service)}]] ";
        var text = Markup.Escape(value.Message);
        var line = value.Kind switch
        {
            EventKind.Step => $"[bold]==>[/] {who}{text}",
            EventKind.Detail => $"    {who}[grey]{text}[/]",
            EventKind.Done => $"[green] ok[/] {who}{text}",
            EventKind.Warning => $"[yellow] !![/] {who}{text}",
            _ => $"[red]ERR[/] {who}{text}",
        };
        lock (_gate)
        {
            console.MarkupLine(line);
        }
    }
}
