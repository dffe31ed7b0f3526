using Portique.Frontend.Nginx;
using Portique.GenConfig.Apply;
using Portique.GenConfig.Html;
using Portique.Planning;

namespace Portique.GenConfig.Pages;

/// <summary>The running (or last) apply: its progress log, followed live through server-sent events, then its outcome.</summary>
internal static class ApplyPage
{
    public static string Render(PageContext page, ApplyRun? run, bool attached)
    {
        ArgumentNullException.ThrowIfNull(page);
        Markup content;
        if (run is null)
        {
            content = Markup.Of($"""
                <div class="page-head"><div><h1>{Ui.ApplyTitle}</h1></div></div>
                <section class="card"><p>{Ui.NoRun}</p><p><a class="button primary" href="/plan">{Ui.SeePlan}</a></p></section>
                """);
            return Layout.Page(page, Ui.ApplyTitle, Section.Apply, content);
        }

        var (events, outcome, _) = run.Read(0);
        var state = outcome is null
            ? Markup.Of($"<p class=\"run-state running\" id=\"run-state\"><span class=\"spinner\" aria-hidden=\"true\"></span>{Ui.RunRunning}</p>")
            : Markup.Empty;
        content = Markup.Of($"""
            <div class="page-head">
              <div>
                <h1>{Ui.ApplyTitle}</h1>
                <p class="lead">{Ui.FormatRunStarted(run.StartedBy, PlanPage.Time(run.Started))}{Markup.If(run.Rollback is not null, Markup.Of($" {(run.Rollback is { } r ? (r.WithData ? Ui.FormatRunIsRollbackWithData(r.Service, r.Snapshot) : Ui.FormatRunIsRollback(r.Service, r.Snapshot)) : "")}"))}</p>
              </div>
            </div>
            {Markup.If(attached, Layout.Notice("info", Markup.Of($"<p>{Ui.AttachedToRun}</p>")))}
            <section class="card" aria-labelledby="progress-heading">
              <h2 id="progress-heading">{Ui.Progress}</h2>
              {state}
              <ol class="log" id="run-log" data-run="{run.Id}" data-seen="{events.Count}" data-complete="{(outcome is null ? "false" : "true")}" aria-live="polite" aria-relevant="additions">
              {events.Select(Line)}
              </ol>
            </section>
            <div id="run-outcome">{(outcome is null ? Markup.Empty : Outcome(outcome))}</div>
            """);
        return Layout.Page(page, Ui.ApplyTitle, Section.Apply, content);
    }

    public static Markup Line(ApplyEvent e)
    {
        var kind = e.Kind.ToString().ToLowerInvariant();
        var service = e.Service is null ? Markup.Empty : Markup.Of($"<span class=\"svc\">{e.Service}</span> ");
        return Markup.Of($"<li class=\"ev ev-{kind}\"><time>{PlanPage.Time(e.Time)}</time> <span class=\"kind\">{KindLabel(e.Kind)}</span> {service}<span class=\"msg\">{e.Message}</span></li>");
    }

    public static string KindLabel(EventKind kind) => kind switch
    {
        EventKind.Step => "==>",
        EventKind.Detail => "",
        EventKind.Done => "ok",
        EventKind.Warning => "!!",
        _ => Ui.ErrorShort,
    };

    /// <summary>The outcome block, also sent as the last server-sent event.</summary>
    public static Markup Outcome(ApplyOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var services = outcome.Services.Count == 0 ? Markup.Empty : Markup.Of($"""
            <table class="data">
              <thead><tr><th scope="col">{Ui.Service}</th><th scope="col">{Ui.Action}</th><th scope="col">{Ui.Result}</th></tr></thead>
              <tbody>{outcome.Services.Select(ServiceRow)}</tbody>
            </table>
            """);
        var errors = outcome.Errors.Count == 0 ? Markup.Empty
            : Markup.Of($"<ul class=\"errors\">{outcome.Errors.Select(e => Markup.Of($"<li>{e}</li>"))}</ul>");
        var warnings = outcome.Warnings.Count == 0 ? Markup.Empty
            : Markup.Of($"<ul class=\"warnings\">{outcome.Warnings.Select(w => Markup.Of($"<li>{w}</li>"))}</ul>");
        var kind = outcome.Succeeded ? "success" : "failure";
        return Markup.Of($"""
            <section class="card outcome outcome-{kind}" role="status" aria-labelledby="outcome-heading" id="outcome" data-succeeded="{(outcome.Succeeded ? "true" : "false")}">
              <h2 id="outcome-heading">{(outcome.Succeeded ? Ui.OutcomeSuccess : Ui.OutcomeFailure)}</h2>
              {errors}
              {services}
              {Markup.If(outcome.FrontendAction is not null, Markup.Of($"<p>{FrontendText(outcome.FrontendAction)}</p>"))}
              {warnings}
              <p class="next"><a class="button primary" href="/status">{Ui.SeeStatus}</a> <a class="button secondary" href="/config">{Ui.BackToConfiguration}</a></p>
            </section>
            """);
    }

    private static string FrontendText(FrontendAction? action) => action switch
    {
        FrontendAction.Reloaded => Ui.FrontendReloaded,
        FrontendAction.Started => Ui.FrontendStarted,
        _ => Ui.FrontendNone,
    };

    private static Markup ServiceRow(ServiceOutcome outcome)
    {
        var log = outcome.LogTail.Count == 0 ? Markup.Empty
            : Markup.Of($"<details><summary>{Ui.LastLogLines}</summary><pre class=\"logs\">{string.Join('\n', outcome.LogTail)}</pre></details>");
        return Markup.Of($"""
            <tr class="{(outcome.Succeeded ? "ok" : "failed")}">
              <th scope="row">{outcome.Name}</th>
              <td>{PlanPage.ActionName(outcome.Action)}</td>
              <td><span class="pill {(outcome.Succeeded ? "pill-ok" : "pill-failed")}">{(outcome.Succeeded ? Ui.Succeeded : Ui.Failed)}</span> {outcome.Message}{log}</td>
            </tr>
            """);
    }
}
