using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.Features;
using Portique.Configuration;
using Portique.Core;
using Portique.GenConfig.Apply;
using Portique.GenConfig.Forms;
using Portique.GenConfig.Html;
using Portique.GenConfig.Pages;
using Portique.Orchestration;

namespace Portique.GenConfig;

/// <summary>
/// The routes. Every one needs the administrator's session except the login form and the static assets; every POST
/// checks its anti-forgery token first.
/// </summary>
internal static class Endpoints
{
    /// <summary>Log lines shown per service on the status page.</summary>
    public const int StatusLogLines = 12;

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/", () => Results.Redirect("/config"));
        endpoints.MapGet("/login", LoginForm).AllowAnonymous();
        endpoints.MapPost("/login", (Delegate)LoginAsync).AllowAnonymous().AddEndpointFilter(RequireAntiforgeryAsync);
        endpoints.MapPost("/logout", (Delegate)LogoutAsync).AddEndpointFilter(RequireAntiforgeryAsync);
        endpoints.MapGet("/assets/{name}", Asset).AllowAnonymous();

        endpoints.MapGet("/config", ShowConfiguration);
        endpoints.MapPost("/config", (Delegate)SubmitConfigurationAsync).AddEndpointFilter(RequireAntiforgeryAsync);
        endpoints.MapGet("/config/instances", Instances);

        endpoints.MapGet("/plan", (Delegate)ShowPlanAsync);
        endpoints.MapPost("/apply", (Delegate)StartApplyAsync).AddEndpointFilter(RequireAntiforgeryAsync);
        endpoints.MapGet("/apply", ShowApply);
        endpoints.MapGet("/apply/events", StreamApplyAsync);

        endpoints.MapGet("/status", (Delegate)ShowStatusAsync);
        endpoints.MapGet("/rollback", ConfirmRollback);
        endpoints.MapPost("/rollback", (Delegate)StartRollbackAsync).AddEndpointFilter(RequireAntiforgeryAsync);
    }

    private static IResult Html(string html, int status = StatusCodes.Status200OK) =>
        Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);

    private static IResult SeeOther(HttpContext http, string location)
    {
        http.Response.Headers.Location = location;
        return Results.StatusCode(StatusCodes.Status303SeeOther);
    }

    private static PageContext Page(HttpContext http) => new(
        http,
        http.RequestServices.GetRequiredService<IAntiforgery>(),
        http.RequestServices.GetRequiredService<GenConfigOptions>());

    private static ILogger Logger(HttpContext http) =>
        http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Portique.GenConfig");

    private static async ValueTask<object?> RequireAntiforgeryAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var antiforgery = http.RequestServices.GetRequiredService<IAntiforgery>();
        if (!http.Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(http))
        {
            Logger(http).LogWarning("genconfig: {Method} {Path} refused: missing or invalid anti-forgery token", http.Request.Method, http.Request.Path);
            var content = Markup.Of($"""
                <section class="card"><h1>{Ui.CsrfTitle}</h1><p>{Ui.CsrfText}</p><p><a href="/config">{Ui.BackToConfiguration}</a></p></section>
                """);
            return Html(Layout.Page(Page(http), Ui.CsrfTitle, Section.None, content), StatusCodes.Status400BadRequest);
        }

        return await next(context);
    }

    // ---- login -------------------------------------------------------------------------------------------------

    private static IResult LoginForm(HttpContext http, string? returnUrl)
    {
        if (http.User.Identity?.IsAuthenticated == true)
        {
            return Results.Redirect(LocalUrl(returnUrl) ?? "/config");
        }

        var store = http.RequestServices.GetRequiredService<PasswordStore>();
        return Html(LoginPage.Render(Page(http), LocalUrl(returnUrl), null, store.Exists));
    }

    private static async Task<IResult> LoginAsync(HttpContext http)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var returnUrl = LocalUrl(form["returnUrl"].FirstOrDefault());
        var store = http.RequestServices.GetRequiredService<PasswordStore>();
        var throttle = http.RequestServices.GetRequiredService<LoginThrottle>();
        var client = http.Connection.RemoteIpAddress?.ToString() ?? "local";

        if (throttle.RetryAfter(client) is { } wait)
        {
            var seconds = (int)Math.Ceiling(wait.TotalSeconds);
            http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return Html(LoginPage.Render(Page(http), returnUrl, Ui.FormatTooManyAttempts(seconds), store.Exists), StatusCodes.Status429TooManyRequests);
        }

        if (!store.Verify(form["password"].FirstOrDefault()))
        {
            throttle.Failed(client);
            Logger(http).LogWarning("genconfig: failed login from {Client}", client);
            return Html(LoginPage.Render(Page(http), returnUrl, store.Exists ? Ui.LoginFailed : Ui.NoPasswordSet, store.Exists), StatusCodes.Status401Unauthorized);
        }

        throttle.Succeeded(client);
        await http.SignInAsync(
            CookieAuthenticationDefaults.AuthenticationScheme,
            GenConfigServer.Principal(store.Stamp() ?? "", http.RequestServices.GetRequiredService<SessionRegistry>().Open()),
            new AuthenticationProperties { IsPersistent = false, AllowRefresh = true });
        Logger(http).LogInformation("genconfig: {User} logged in from {Client}", PasswordStore.UserName, client);
        return SeeOther(http, returnUrl ?? "/config");
    }

    private static async Task<IResult> LogoutAsync(HttpContext http)
    {
        // Ended here, not only in the browser: the same cookie replayed later is refused.
        http.RequestServices.GetRequiredService<SessionRegistry>().Close(http.User.FindFirst(GenConfigServer.SessionClaim)?.Value);
        await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return SeeOther(http, "/login");
    }

    /// <summary>
    /// Only a path of this site: never <c>//host</c> nor <c>/\host</c>, which browsers read as another site, and only
    /// printable ASCII (a header carries nothing else; a non-ASCII path goes to <c>/config</c>).
    /// </summary>
    internal static string? LocalUrl(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) && url.All(c => c is >= '!' and <= '~')
            ? url
            : null;

    // ---- assets ------------------------------------------------------------------------------------------------

    private static IResult Asset(string name)
    {
        var type = Path.GetExtension(name) switch
        {
            ".css" => "text/css; charset=utf-8",
            ".js" => "text/javascript; charset=utf-8",
            ".svg" => "image/svg+xml",
            _ => null,
        };
        var stream = type is null ? null : Assembly.GetExecutingAssembly().GetManifestResourceStream("Portique.GenConfig.Assets." + name);
        return stream is null ? Results.NotFound() : Results.Stream(stream, type);
    }

    // ---- configuration -----------------------------------------------------------------------------------------

    private static IResult ShowConfiguration(HttpContext http, string? mode, string? tab, int? saved)
    {
        var workspace = http.RequestServices.GetRequiredService<IGenConfigBackend>().Workspace;
        EvaluatedConfiguration configuration;
        ValidationReport report;
        // The version first: a file changed while the page is built makes the page older, never newer, than it claims.
        var version = workspace.ConfigVersion();
        try
        {
            configuration = workspace.Evaluate();
            report = workspace.Validate(configuration);
        }
        catch (InvalidInputException e)
        {
            return Unusable(http, e.Diagnostics);
        }

        var notice = saved switch
        {
            null => null,
            0 => new FormNotice("info", Markup.Of($"<p>{Ui.NothingChanged}</p>")),
            { } count => new FormNotice("success", Markup.Of($"<p><strong>{Ui.SavedOf(count)}</strong> {Ui.SavedNext}</p><p><a class=\"button primary\" href=\"/plan\">{Ui.SeePlan}</a></p>")),
        };
        return Html(ConfigPage.Render(Page(http), new ConfigPageModel(configuration, report.Problems, report.Warnings, ConfigPage.ParseMode(mode), tab, notice) { Version = version }));
    }

    private static async Task<IResult> SubmitConfigurationAsync(HttpContext http)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var workspace = http.RequestServices.GetRequiredService<IGenConfigBackend>().Workspace;
        var mode = ConfigPage.ParseMode(form[ConfigForm.ModeKey].FirstOrDefault());
        var tab = form[ConfigForm.TabKey].FirstOrDefault();
        var saving = form[ConfigForm.ActionKey].FirstOrDefault() == "save";

        EvaluatedConfiguration current;
        try
        {
            current = workspace.Evaluate();
        }
        catch (InvalidInputException e)
        {
            return Unusable(http, e.Diagnostics);
        }

        var assignments = FormReader.Assignments(form, current);
        var editor = new ConfigEditor(workspace);
        var check = editor.Check(assignments, current);
        var problems = check.Problems;
        var refused = check.Refused;
        if (saving && refused.Count == 0)
        {
            try
            {
                editor.Save(assignments, form[ConfigForm.VersionKey].FirstOrDefault() ?? "");
                // Names only: values may be secrets.
                Logger(http).LogInformation("genconfig: config.eol saved, {Count} variable(s) changed: {Names}", assignments.Count, string.Join(", ", assignments.Select(a => a.Key)));
                var query = $"/config?saved={assignments.Count.ToString(CultureInfo.InvariantCulture)}&mode={ConfigPage.ModeName(mode)}"
                    + (tab is { Length: > 0 } ? "&tab=" + Uri.EscapeDataString(tab) : "");
                return SeeOther(http, query);
            }
            catch (InvalidInputException e)
            {
                refused = e.Diagnostics;
                problems = [.. e.Diagnostics.Where(d => !problems.Contains(d)), .. problems];
            }
            catch (RuntimeFailureException e)
            {
                // Another writer held config.eol too long: nothing was saved.
                refused = [new Diagnostic("config.eol", e.Message)];
                problems = [.. refused, .. problems];
            }
        }

        var notice = problems.Count > 0 ? null
            : new FormNotice("success", Markup.Of($"<p>{Ui.CheckPassedOf(check.ServiceCount)}</p>"));
        var html = ConfigPage.Render(Page(http), new ConfigPageModel(check.Configuration, problems, check.Warnings, mode, tab, notice) { Version = form[ConfigForm.VersionKey].FirstOrDefault() ?? workspace.ConfigVersion() });
        return Html(html, refused.Count > 0 ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status200OK);
    }

    /// <summary>The tabs and panels of repeated instances <paramref name="from"/>..<paramref name="to"/> (the page asks when their count grows).</summary>
    private static IResult Instances(HttpContext http, string repeat, int from, int to)
    {
        var workspace = http.RequestServices.GetRequiredService<IGenConfigBackend>().Workspace;
        try
        {
            var current = workspace.Evaluate();
            var state = current.Repetitions.FirstOrDefault(r => r.Repetition.CountVariable == repeat);
            if (state is null || from < 1 || to < from || to > state.Repetition.Max || to - from >= 100)
            {
                return Results.BadRequest();
            }

            var expanded = EvaluatedConfiguration.Evaluate(
                current.Dictionaries,
                current.SetValue(repeat, [Math.Max(to, state.Count).ToString(CultureInfo.InvariantCulture)], Owners.GenConfig));
            var families = ConfigForm.Families(expanded)
                .Where(f => f.Repetition?.Repetition.CountVariable == repeat && f.Family.Instance >= from && f.Family.Instance <= to);
            return Html(ConfigPage.Fragment(expanded, families));
        }
        catch (InvalidInputException)
        {
            return Results.BadRequest();
        }
    }

    private static IResult Unusable(HttpContext http, IReadOnlyList<Diagnostic> diagnostics)
    {
        var content = Markup.Of($"""
            <div class="page-head"><div><h1>{Ui.ConfigurationTitle}</h1></div></div>
            <div class="summary" role="alert">
            <h2>{Ui.ConfigurationUnusable}</h2>
            <ul>{diagnostics.Select(d => Markup.Of($"<li><code>{d.Subject}</code> : {d.Message}</li>"))}</ul>
            </div>
            """);
        return Html(Layout.Page(Page(http), Ui.ConfigurationTitle, Section.Configuration, content), StatusCodes.Status500InternalServerError);
    }

    // ---- plan and apply ----------------------------------------------------------------------------------------

    private static async Task<IResult> ShowPlanAsync(HttpContext http)
    {
        var backend = http.RequestServices.GetRequiredService<IGenConfigBackend>();
        var coordinator = http.RequestServices.GetRequiredService<ApplyCoordinator>();
        PlanReport? report = null;
        IReadOnlyList<Diagnostic> errors = [];
        try
        {
            report = await backend.PlanAsync(http.RequestAborted);
        }
        catch (InvalidInputException e)
        {
            errors = e.Diagnostics;
        }
        catch (PortiqueException e)
        {
            errors = [new Diagnostic("portique", e.Message)];
        }

        return Html(PlanPage.Render(Page(http), report, errors, coordinator.Current));
    }

    private static async Task<IResult> StartApplyAsync(HttpContext http)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var coordinator = http.RequestServices.GetRequiredService<ApplyCoordinator>();
        var (run, started) = coordinator.StartOrAttach(http.User.Identity?.Name ?? PasswordStore.UserName, form["refresh"].FirstOrDefault() == "1");
        if (started)
        {
            Logger(http).LogInformation("genconfig: apply {Run} started", run.Id);
        }

        return SeeOther(http, started ? "/apply" : "/apply?attached=1");
    }

    private static IResult ShowApply(HttpContext http, int? attached)
    {
        var coordinator = http.RequestServices.GetRequiredService<ApplyCoordinator>();
        return Html(ApplyPage.Render(Page(http), coordinator.Current, attached == 1));
    }

    /// <summary>
    /// The run's progress as server-sent events: every event from the start (or after <c>Last-Event-ID</c>), then live,
    /// then one <c>outcome</c> event whose data carries the rendered outcome; the stream then ends.
    /// </summary>
    private static async Task StreamApplyAsync(HttpContext http, string? run, int? after)
    {
        var coordinator = http.RequestServices.GetRequiredService<ApplyCoordinator>();
        var current = coordinator.Current;
        if (current is null || (run is not null && run != current.Id))
        {
            http.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        var seen = int.TryParse(http.Request.Headers["Last-Event-ID"].FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var last) ? last : Math.Max(after ?? 0, 0);
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        http.Response.ContentType = "text/event-stream; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        var token = http.RequestAborted;
        try
        {
            await WriteAsync(http, "retry: 2000\n\n", token);
            while (true)
            {
                var (events, outcome, changed) = current.Read(seen);
                foreach (var e in events)
                {
                    var data = JsonSerializer.Serialize(new ApplyLineEvent(ApplyPage.Line(e).ToString()), GenConfigJsonContext.Default.ApplyLineEvent);
                    await WriteAsync(http, $"id: {e.Sequence.ToString(CultureInfo.InvariantCulture)}\nevent: progress\ndata: {data}\n\n", token);
                    seen = e.Sequence;
                }

                if (outcome is not null)
                {
                    var data = JsonSerializer.Serialize(new ApplyOutcomeEvent(outcome.Succeeded, ApplyPage.Outcome(outcome).ToString()), GenConfigJsonContext.Default.ApplyOutcomeEvent);
                    await WriteAsync(http, $"event: outcome\ndata: {data}\n\n", token);
                    return;
                }

                var timeout = Task.Delay(TimeSpan.FromSeconds(15), token);
                if (await Task.WhenAny(changed, timeout) == timeout)
                {
                    await WriteAsync(http, ": keep-alive\n\n", token);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The page went away.
        }
    }

    private static async Task WriteAsync(HttpContext http, string text, CancellationToken token)
    {
        await http.Response.WriteAsync(text, token);
        await http.Response.Body.FlushAsync(token);
    }

    // ---- status ------------------------------------------------------------------------------------------------

    private static async Task<IResult> ShowStatusAsync(HttpContext http)
    {
        var backend = http.RequestServices.GetRequiredService<IGenConfigBackend>();
        var entries = new List<StatusEntry>();
        IReadOnlyList<string> warnings = [];
        string? error = null;
        try
        {
            var updates = http.Request.Query["updates"] == "1";
            var (services, found) = await backend.ReadStatusAsync(updates, http.RequestAborted);
            warnings = found;
            foreach (var service in services)
            {
                if (service.State is "absent" || service.State.StartsWith("aside", StringComparison.Ordinal))
                {
                    entries.Add(new StatusEntry(service, [], null));
                    continue;
                }

                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
                    timeout.CancelAfter(TimeSpan.FromSeconds(5));
                    entries.Add(new StatusEntry(service, await backend.ReadLogsAsync(service, StatusLogLines, timeout.Token), null));
                }
                catch (Exception e) when (e is PortiqueException or OperationCanceledException && !http.RequestAborted.IsCancellationRequested)
                {
                    entries.Add(new StatusEntry(service, [], e.Message));
                }
            }
        }
        catch (InvalidInputException e)
        {
            error = string.Join(" ; ", e.Diagnostics.Select(d => d.ToString()));
        }
        catch (PortiqueException e)
        {
            error = e.Message;
        }

        if (error is null)
        {
            var snapshots = backend.ListSnapshots().ToLookup(snapshot => snapshot.Service, StringComparer.Ordinal);
            entries = entries.Select(entry => entry with { Snapshots = snapshots[entry.Service.Name].ToArray() }).ToList();
        }

        return Html(StatusPage.Render(Page(http), entries, warnings, error));
    }

    /// <summary>The snapshot <paramref name="service"/> / <paramref name="snapshot"/>, or null when no such snapshot exists.</summary>
    private static SnapshotManifest? FindSnapshot(HttpContext http, string? service, string? snapshot) =>
        http.RequestServices.GetRequiredService<IGenConfigBackend>().ListSnapshots()
            .FirstOrDefault(s => s.Service == service && s.Id == snapshot);

    private static IResult ConfirmRollback(HttpContext http, string? service, string? snapshot)
    {
        var found = FindSnapshot(http, service, snapshot);
        return found is null
            ? Html(RollbackPage.Missing(Page(http), Ui.FormatNoSuchSnapshot(service ?? "", snapshot ?? "")), StatusCodes.Status404NotFound)
            : Html(RollbackPage.Confirm(Page(http), found, withData: false, error: null));
    }

    /// <summary>
    /// Starts the rollback once the service's name was typed again, as a run of the apply page (one change at a time:
    /// while an apply or another rollback runs, nothing starts and the confirmation says so).
    /// </summary>
    private static async Task<IResult> StartRollbackAsync(HttpContext http)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var service = form["service"].FirstOrDefault();
        var found = FindSnapshot(http, service, form["snapshot"].FirstOrDefault());
        if (found is null)
        {
            return Html(RollbackPage.Missing(Page(http), Ui.FormatNoSuchSnapshot(service ?? "", form["snapshot"].FirstOrDefault() ?? "")), StatusCodes.Status404NotFound);
        }

        var withData = form["with_data"].FirstOrDefault() == "1";
        if (!string.Equals(form[RollbackPage.ConfirmField].FirstOrDefault()?.Trim(), found.Service, StringComparison.Ordinal))
        {
            return Html(RollbackPage.Confirm(Page(http), found, withData, Ui.FormatRollbackNotConfirmed(found.Service)), StatusCodes.Status400BadRequest);
        }

        var coordinator = http.RequestServices.GetRequiredService<ApplyCoordinator>();
        var user = http.User.Identity?.Name ?? PasswordStore.UserName;
        var (run, started) = coordinator.StartOrAttach(user, refresh: false, new RollbackRequest(found.Service, found.Id, withData));
        if (!started)
        {
            return Html(RollbackPage.Confirm(Page(http), found, withData, Ui.RollbackBusy), StatusCodes.Status409Conflict);
        }

        Logger(http).LogInformation("genconfig: rollback of {Service} to {Snapshot} (with data: {WithData}) started as run {Run}", found.Service, found.Id, withData, run.Id);
        return SeeOther(http, "/apply");
    }
}

/// <summary>An apply's progress line, sent to the page as a server-sent event.</summary>
internal sealed record ApplyLineEvent(string Html);

/// <summary>An apply's end, sent to the page as a server-sent event.</summary>
internal sealed record ApplyOutcomeEvent(bool Succeeded, string Html);

/// <summary>The events' JSON (the web's camel case), generated at build time: the shipped command is compiled ahead of time.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ApplyLineEvent))]
[JsonSerializable(typeof(ApplyOutcomeEvent))]
internal sealed partial class GenConfigJsonContext : JsonSerializerContext;
