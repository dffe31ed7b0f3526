using Portique.GenConfig.Html;
using Portique.Orchestration;
using Portique.Planning;

namespace Portique.GenConfig.Pages;

/// <summary>One service on the status page, with its last log lines.</summary>
internal sealed record StatusEntry(ServiceStatus Service, IReadOnlyList<string> LogTail, string? LogError)
{
    /// <summary>The service's snapshots, newest first, each with a way back to it (configured services only).</summary>
    public IReadOnlyList<SnapshotManifest> Snapshots { get; init; } = [];
}

/// <summary>Each container: technology, state, image/version, ports, link to <c>/NAME/</c>, last log lines; and what Portique owns but no longer configures.</summary>
internal static class StatusPage
{
    public static string Render(PageContext page, IReadOnlyList<StatusEntry> entries, IReadOnlyList<string> warnings, string? error)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(warnings);
        var configured = entries.Where(e => e.Service.Configured).ToArray();
        var leftovers = entries.Where(e => !e.Service.Configured).ToArray();
        var content = Markup.Of($"""
            <div class="page-head">
              <div>
                <h1>{Ui.StatusTitle}</h1>
                <p class="lead">{Ui.StatusLead}</p>
              </div>
              <div class="tools"><a class="button secondary" href="/status">{Ui.Refresh}</a> <a class="button secondary" href="/status?updates=1">{Ui.CheckUpdates}</a></div>
            </div>
            {Markup.If(error is not null, Markup.Of($"<div class=\"summary\" role=\"alert\"><h2>{Ui.StatusUnavailable}</h2><p>{error ?? ""}</p></div>"))}
            <section class="card" aria-labelledby="status-configured">
              <h2 id="status-configured">{Ui.StatusConfigured}</h2>
              {(configured.Length == 0 ? Markup.Of($"<p>{Ui.StatusNone}</p>") : Table(configured, withLink: true))}
            </section>
            <section class="card" aria-labelledby="status-leftovers">
              <h2 id="status-leftovers">{Ui.StatusLeftovers}</h2>
              {(leftovers.Length == 0 ? Markup.Of($"<p>{Ui.StatusNoLeftover}</p>") : Markup.Of($"<p class=\"hint\">{Ui.StatusLeftoversHint}</p>{Table(leftovers, withLink: false)}"))}
            </section>
            {Markup.If(warnings.Count > 0, Layout.Notice("info", Markup.Of($"<p>{Ui.WarningsTitle}</p><ul>{warnings.Select(w => Markup.Of($"<li>{w}</li>"))}</ul>")))}
            """);
        return Layout.Page(page, Ui.StatusTitle, Section.Status, content);
    }

    private static Markup Table(IReadOnlyList<StatusEntry> entries, bool withLink)
    {
        // The private network's column only when it is on (docs/network.md): each service's address, kept across switches.
        var addresses = entries.Any(e => e.Service.Address is not null);
        // Where each task runs, only when a swarm of several nodes runs a service (docs/multi-host.md).
        var tasks = entries.Any(e => e.Service.Tasks is not null);
        var columns = (6 + (addresses ? 1 : 0) + (tasks ? 1 : 0)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var rows = entries.Select(entry =>
        {
            var s = entry.Service;
            var state = s.State.Replace(", ", "-", StringComparison.Ordinal).Replace(' ', '-');
            var ports = string.Join(", ", s.Ports.Select(p => $"{p.HostPort.ToString(System.Globalization.CultureInfo.InvariantCulture)} → {p.ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture)}"));
            var link = withLink && s.Url is { } url
                ? Markup.Of($"<a href=\"{url}\" class=\"service-link\">/{s.Name}/</a>")
                : Markup.Empty;
            var logs = entry.LogError is not null
                ? Markup.Of($"<p class=\"hint\">{Ui.FormatLogsUnavailable(entry.LogError)}</p>")
                : entry.LogTail.Count == 0 ? Markup.Of($"<p class=\"hint\">{Ui.NoLogs}</p>")
                : Markup.Of($"<pre class=\"logs\" tabindex=\"0\" aria-label=\"{Ui.FormatLastLogLinesOf(s.Name)}\">{string.Join('\n', entry.LogTail)}</pre>");
            return Markup.Of($"""
                <tbody class="service">
                <tr>
                  <th scope="row">{s.Name}</th>
                  <td>{s.Technology}</td>
                  <td><span class="pill state-{state}">{StateLabel(s.State)}</span></td>
                  <td><code>{s.Version ?? "—"}</code>{UpdateNotice(s.Update)}</td>
                  {Markup.If(addresses, Markup.Of($"<td>{(s.Address is { } address ? Markup.Of($"<code>{address}</code>") : Markup.Of($"—"))}</td>"))}
                  {Markup.If(tasks, Markup.Of($"<td>{s.TasksText ?? "—"}</td>"))}
                  <td>{(ports.Length == 0 ? "—" : ports)}</td>
                  <td>{link}</td>
                </tr>
                <tr class="log-row"><td colspan="{columns}"><details{Markup.If(entry.LogTail.Count > 0, Markup.Of($" open"))}><summary>{Ui.FormatLastLogLinesOf(s.Name)}</summary>{logs}</details>{Markup.If(withLink, SnapshotList(s.Name, entry.Snapshots))}</td></tr>
                </tbody>
                """);
        });
        return Markup.Of($"""
            <table class="data status">
              <thead><tr><th scope="col">{Ui.Service}</th><th scope="col">{Ui.Technology}</th><th scope="col">{Ui.State}</th><th scope="col">{Ui.ImageVersion}</th>{Markup.If(addresses, Markup.Of($"<th scope=\"col\">{Ui.PrivateAddress}</th>"))}{Markup.If(tasks, Markup.Of($"<th scope=\"col\">{Ui.Tasks}</th>"))}<th scope="col">{Ui.Ports}</th><th scope="col">{Ui.Link}</th></tr></thead>
              {rows}
            </table>
            """);
    }

    /// <summary>The snapshots of one service (<c>portique snapshots NAME</c>), each with a link to the rollback's confirmation.</summary>
    private static Markup SnapshotList(string service, IReadOnlyList<SnapshotManifest> snapshots) => snapshots.Count == 0
        ? Markup.Of($"<p class=\"hint\">{Ui.FormatNoSnapshotOf(service)}</p>")
        : Markup.Of($"""
            <details class="snapshots"><summary>{Ui.FormatSnapshotsOf(service, snapshots.Count)}</summary>
            <table class="data">
              <thead><tr><th scope="col">{Ui.SnapshotId}</th><th scope="col">{Ui.SnapshotDate}</th><th scope="col">{Ui.SnapshotSize}</th><th scope="col">{Ui.SnapshotReason}</th><th scope="col"></th></tr></thead>
              <tbody>{snapshots.Select(snapshot => Markup.Of($"""
                <tr><td><code>{snapshot.Id}</code></td><td>{snapshot.Created.ToLocalTime().ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture)}</td><td>{UsageText.Approximate(snapshot.Size)}</td><td>{snapshot.Reason}</td>
                <td><a class="button secondary" href="/rollback?service={Uri.EscapeDataString(service)}&amp;snapshot={Uri.EscapeDataString(snapshot.Id)}">{Ui.RollbackTo}</a></td></tr>
                """))}</tbody>
            </table>
            </details>
            """);

    /// <summary>The <c>--updates</c> verdict under the image, with the digest or the registry's error as its title.</summary>
    private static Markup UpdateNotice(Planning.UpdateCheck? update) => update is null
        ? Markup.Empty
        : Markup.Of($"<br><span class=\"pill update-{update.State.ToString().ToLowerInvariant()}\" title=\"{update.Detail ?? ""}\">{update.State switch
        {
            Planning.UpdateState.UpToDate => Ui.UpdateUpToDate,
            Planning.UpdateState.UpdateAvailable => Ui.UpdateAvailable,
            Planning.UpdateState.NotApplicable => Ui.UpdateNotApplicable,
            _ => Ui.FormatUpdateUnknown(update.Detail ?? ""),
        }}</span>");

    private static string StateLabel(string state) => state switch
    {
        "running" => Ui.StateRunning,
        "stopped" => Ui.StateStopped,
        "missing" => Ui.StateMissing,
        "absent" => Ui.StateAbsent,
        _ => state,
    };
}
