using Portique.Core;
using Portique.GenConfig.Apply;
using Portique.GenConfig.Html;
using Portique.Orchestration;
using Portique.Planning;

namespace Portique.GenConfig.Pages;

/// <summary>What applying would do, before doing it: per service created, recreated (and why), started, removed or kept.</summary>
internal static class PlanPage
{
    public static string Render(PageContext page, PlanReport? report, IReadOnlyList<Diagnostic> errors, ApplyRun? running)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(errors);
        var body = new List<Markup>();
        if (errors.Count > 0)
        {
            body.Add(Markup.Of($"""
                <div class="summary" role="alert">
                <h2>{(errors.All(d => d.IsIncomplete) ? Ui.PlanIncomplete : Ui.PlanImpossible)}</h2>
                <ul>{errors.Select(d => Markup.Of($"<li><code>{d.Subject}</code> : {d.Message}</li>"))}</ul>
                <p><a href="/config">{Ui.BackToConfiguration}</a></p>
                </div>
                """));
        }

        if (report is not null)
        {
            body.Add(Services(report.Plan));
            body.Add(Frontend(report));
            if (report.Problems.Count > 0)
            {
                body.Add(Markup.Of($"""
                    <div class="summary" role="alert">
                    <h2>{Ui.PreflightProblems}</h2>
                    <ul>{report.Problems.Select(d => Markup.Of($"<li><code>{d.Subject}</code> : {d.Message}</li>"))}</ul>
                    </div>
                    """));
            }

            if (report.Warnings.Count > 0)
            {
                body.Add(Layout.Notice("info", Markup.Of($"<p>{Ui.WarningsTitle}</p><ul>{report.Warnings.Select(w => Markup.Of($"<li>{w}</li>"))}</ul>")));
            }
        }

        var blocked = report is null || report.Problems.Count > 0;
        var action = running is { Completed: false }
            ? Layout.Notice("info", Markup.Of($"<p>{Ui.FormatApplyAlreadyRunning(running.StartedBy, Time(running.Started))} <a href=\"/apply\">{Ui.FollowRun}</a></p>"))
            : Markup.Of($"""
                <form method="post" action="/apply" class="apply-form">
                {page.AntiforgeryField}
                <div class="check">
                  <input type="checkbox" id="refresh" name="refresh" value="1">
                  <label for="refresh">{Ui.RefreshImages}</label>
                </div>
                <button type="submit" class="button primary large"{Markup.If(blocked, Markup.Of($" disabled aria-disabled=\"true\""))}>{Ui.ApplyButton}</button>
                {Markup.If(blocked, Markup.Of($"<p class=\"hint\">{Ui.ApplyBlocked}</p>"))}
                </form>
                """);

        var content = Markup.Of($"""
            <div class="page-head">
              <div>
                <h1>{Ui.PlanTitle}</h1>
                <p class="lead">{Ui.PlanLead}</p>
              </div>
            </div>
            {body}
            <section class="card apply-card" aria-labelledby="apply-heading">
              <h2 id="apply-heading">{Ui.ApplyHeading}</h2>
              {action}
            </section>
            """);
        return Layout.Page(page, Ui.PlanTitle, Section.Apply, content);
    }

    public static string ActionName(ActionKind kind) => kind switch
    {
        ActionKind.Create => Ui.ActionCreate,
        ActionKind.Recreate => Ui.ActionRecreate,
        ActionKind.Start => Ui.ActionStart,
        ActionKind.Remove => Ui.ActionRemove,
        _ => Ui.ActionKeep,
    };

    public static string Time(DateTimeOffset time) => time.ToLocalTime().ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);

    private static Markup Services(Plan plan)
    {
        if (plan.Actions.Count == 0)
        {
            return Markup.Of($"<section class=\"card\"><h2>{Ui.PlanServices}</h2><p>{Ui.PlanNoService}</p></section>");
        }

        var rows = plan.Actions.Select(a =>
        {
            var technology = a.Desired?.Technology.Name ?? a.Observed?.Technology.Name ?? "";
            var kind = a.Kind.ToString().ToLowerInvariant();
            var reasons = a.Reasons.Concat(a.Leftovers.Select(l => Ui.FormatLeftover(l.Name, l.Technology.Name))).ToArray();
            return Markup.Of($"""
                <tr class="action-{kind}">
                  <th scope="row">{a.Name}</th>
                  <td>{technology}</td>
                  <td><span class="pill pill-{kind}">{ActionName(a.Kind)}</span></td>
                  <td>{Markup.If(reasons.Length > 0, Markup.Of($"<ul class=\"reasons\">{reasons.Select(r => Markup.Of($"<li>{r}</li>"))}</ul>"))}</td>
                </tr>
                """);
        });
        var changes = plan.Actions.Count(a => a.Kind != ActionKind.Keep);
        return Markup.Of($"""
            <section class="card" aria-labelledby="plan-services">
            <h2 id="plan-services">{Ui.PlanServices}</h2>
            <p>{(plan.HasChanges ? Ui.PlanChangesOf(changes) : Ui.PlanNothing)}</p>
            <table class="data">
              <thead><tr><th scope="col">{Ui.Service}</th><th scope="col">{Ui.Technology}</th><th scope="col">{Ui.Action}</th><th scope="col">{Ui.Reasons}</th></tr></thead>
              <tbody>{rows}</tbody>
            </table>
            </section>
            """);
    }

    private static Markup Frontend(PlanReport report)
    {
        var change = report.Frontend;
        Markup Files(string title, IReadOnlyList<string> files) => files.Count == 0 ? Markup.Empty
            : Markup.Of($"<h3>{title}</h3><ul class=\"files\">{files.Select(f => Markup.Of($"<li><code>{f}</code></li>"))}</ul>");
        var detail = change.HasChanges
            ? Markup.Of($"{Files(Ui.FilesAdded, change.Added)}{Files(Ui.FilesChanged, change.Changed)}{Files(Ui.FilesRemoved, change.Removed)}")
            : Markup.Of($"<p>{Ui.FrontendUnchanged}</p>");
        return Markup.Of($"""
            <section class="card" aria-labelledby="plan-frontend">
            <h2 id="plan-frontend">{Ui.FrontendTitle}</h2>
            {detail}
            </section>
            """);
    }
}
