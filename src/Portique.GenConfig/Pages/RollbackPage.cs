using Portique.GenConfig.Html;
using Portique.Orchestration;

namespace Portique.GenConfig.Pages;

/// <summary>
/// The confirmation before a rollback (<c>portique rollback NAME SNAPSHOT [--with-data]</c>): what the snapshot holds,
/// what going back changes, and the service's name typed again, so that no click alone replaces a service.
/// </summary>
internal static class RollbackPage
{
    /// <summary>The name of the field that must repeat the service's name.</summary>
    public const string ConfirmField = "confirm";

    public static string Confirm(PageContext page, SnapshotManifest snapshot, bool withData, string? error)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(snapshot);
        var spec = snapshot.Spec();
        var image = spec is null ? "—" : $"{spec.Technology} {spec.Url}:{spec.Tag}";
        var content = Markup.Of($"""
            <div class="page-head">
              <div>
                <h1>{Ui.FormatRollbackTitle(snapshot.Service)}</h1>
                <p class="lead">{Ui.RollbackLead}</p>
              </div>
            </div>
            {Markup.If(error is not null, Markup.Of($"<div class=\"summary\" role=\"alert\"><p>{error ?? ""}</p></div>"))}
            <section class="card">
              <dl class="facts">
                <dt>{Ui.SnapshotId}</dt><dd><code>{snapshot.Id}</code></dd>
                <dt>{Ui.SnapshotDate}</dt><dd>{snapshot.Created.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)}</dd>
                <dt>{Ui.SnapshotReason}</dt><dd>{snapshot.Reason}</dd>
                <dt>{Ui.ImageVersion}</dt><dd><code>{image}</code></dd>
                <dt>{Ui.SnapshotFolders}</dt><dd>{(snapshot.Volumes.Count == 0 ? Markup.Of($"—") : Markup.Of($"<ul>{snapshot.Volumes.Select(v => Markup.Of($"<li><code>{v.HostPath}</code> ({Planning.UsageText.Approximate(v.Size)})</li>"))}</ul>"))}</dd>
              </dl>
              <form method="post" action="/rollback">
                {page.AntiforgeryField}
                <input type="hidden" name="service" value="{snapshot.Service}">
                <input type="hidden" name="snapshot" value="{snapshot.Id}">
                <p><label><input type="checkbox" name="with_data" value="1"{Markup.If(withData, Markup.Of($" checked"))}{Markup.If(snapshot.Volumes.Count == 0, Markup.Of($" disabled"))}> {Ui.RollbackWithData}</label></p>
                <p class="hint">{Ui.RollbackWithDataHint}</p>
                <p><label for="confirm">{Ui.FormatRollbackConfirmLabel(snapshot.Service)}</label><br>
                <input id="confirm" name="{ConfirmField}" autocomplete="off" required></p>
                <p><button class="button primary" type="submit">{Ui.RollbackButton}</button> <a class="button secondary" href="/status">{Ui.Cancel}</a></p>
              </form>
            </section>
            """);
        return Layout.Page(page, Ui.FormatRollbackTitle(snapshot.Service), Section.Status, content);
    }

    /// <summary>A snapshot that is not (or no longer) there: the status page lists those that are.</summary>
    public static string Missing(PageContext page, string message)
    {
        ArgumentNullException.ThrowIfNull(page);
        var content = Markup.Of($"""
            <section class="card"><h1>{Ui.RollbackUnavailable}</h1><p>{message}</p><p><a href="/status">{Ui.StatusTitle}</a></p></section>
            """);
        return Layout.Page(page, Ui.RollbackUnavailable, Section.Status, content);
    }
}
