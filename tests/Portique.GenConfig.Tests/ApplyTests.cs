using System.Net.Http.Headers;
using System.Net;
using Portique.Core;
using Portique.Frontend.Nginx;
using Portique.Orchestration;
using Portique.Planning;
using Portique.Technologies.Docker;

namespace Portique.GenConfig.Tests;

public sealed class ApplyTests
{
    private static ServiceSpec Spec(string name) => new()
    {
        Index = 1,
        Name = name,
        Technology = DockerModule.Docker,
        Url = "nginx",
        Tag = "latest",
        Repository = "",
        Ports = [new PortMapping(8081, 80)],
        Volumes = [],
        Environment = [],
        KeepPrefix = false,
        PublishAddress = "0.0.0.0",
    };

    private static ObservedService Observed(string name) => new()
    {
        Name = name,
        Technology = DockerModule.Docker,
        State = InstanceState.Running,
        SpecHash = "old",
    };

    private static async Task<string> PostApplyAsync(HttpClient client)
    {
        var (_, token) = await GenConfigFactory.GetFormAsync(client, "/plan");
        using var response = await client.PostAsync(new Uri("/apply", UriKind.Relative), new FormUrlEncodedContent([new("__RequestVerificationToken", token)]));
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        return response.Headers.Location!.OriginalString;
    }

    private static async Task WaitForEventsAsync(GenConfigFactory factory, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (factory.Coordinator.Current is not { } run || run.Read(0).Events.Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the run did not report {count} event(s)");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task The_plan_shows_what_is_created_recreated_with_its_reason_and_removed()
    {
        using var factory = new GenConfigFactory();
        factory.Backend.Plan = _ => Task.FromResult(new PlanReport(
            new Plan(
            [
                new PlannedAction("web", ActionKind.Create, ["not deployed yet"], Spec("web"), null),
                new PlannedAction("chat", ActionKind.Recreate, ["tag: 6.0 → 6.1"], Spec("chat"), Observed("chat")),
                new PlannedAction("old", ActionKind.Remove, ["no longer configured"], null, Observed("old")),
                new PlannedAction("same", ActionKind.Keep, [], Spec("same"), Observed("same")),
            ]),
            new FrontendChange(["portique/services/conteneur1.conf"], [], ["portique/services/conteneur9.conf"]),
            [],
            []));
        using var client = await factory.LoginAsync();
        var (html, _) = await GenConfigFactory.GetFormAsync(client, "/plan");
        var text = HtmlText.Decode(html);

        Assert.Contains("<th scope=\"row\">web</th>", text, StringComparison.Ordinal);
        Assert.Contains("<span class=\"pill pill-create\">création</span>", text, StringComparison.Ordinal);
        Assert.Contains("<span class=\"pill pill-recreate\">recréation</span>", text, StringComparison.Ordinal);
        Assert.Contains("<li>tag: 6.0 → 6.1</li>", text, StringComparison.Ordinal);
        Assert.Contains("<span class=\"pill pill-remove\">suppression</span>", text, StringComparison.Ordinal);
        Assert.Contains("<span class=\"pill pill-keep\">inchangé</span>", text, StringComparison.Ordinal);
        Assert.Contains("3 changements à appliquer.", text, StringComparison.Ordinal);
        Assert.Contains("<code>portique/services/conteneur9.conf</code>", text, StringComparison.Ordinal);
        Assert.Contains("<form method=\"post\" action=\"/apply\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain(" disabled aria-disabled", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preflight_problems_or_an_invalid_configuration_block_the_apply_button()
    {
        using var factory = new GenConfigFactory();
        factory.Backend.Plan = _ => Task.FromResult(new PlanReport(new Plan([]), new FrontendChange([], [], []), [new Diagnostic("web", "port 8081 is already in use on the host")], []));
        using var client = await factory.LoginAsync();
        var (html, _) = await GenConfigFactory.GetFormAsync(client, "/plan");
        Assert.Contains("port 8081 is already in use on the host", html, StringComparison.Ordinal);
        Assert.Contains(" disabled aria-disabled=\"true\"", html, StringComparison.Ordinal);

        factory.Backend.Plan = _ => throw new ConfigurationInvalidException([new Diagnostic("conteneur1_name", "obligatoire")]);
        var (invalid, _) = await GenConfigFactory.GetFormAsync(client, "/plan");
        Assert.Contains("<code>conteneur1_name</code> : obligatoire", invalid, StringComparison.Ordinal);
        Assert.Contains(" disabled aria-disabled=\"true\"", invalid, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_incomplete_configuration_keeps_apply_disabled_and_lists_what_to_complete()
    {
        using var factory = new GenConfigFactory();
        factory.Backend.Plan = _ => throw new ConfigurationInvalidException([Diagnostic.Missing("conteneur2_name", "valeur obligatoire manquante")]);
        using var client = await factory.LoginAsync();

        var (html, _) = await GenConfigFactory.GetFormAsync(client, "/plan");

        Assert.Contains("La configuration est incomplète", HtmlText.Decode(html), StringComparison.Ordinal);
        Assert.Contains("<code>conteneur2_name</code> : valeur obligatoire manquante", html, StringComparison.Ordinal);
        Assert.Contains(" disabled aria-disabled=\"true\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_streams_its_progress_then_its_outcome_as_server_sent_events()
    {
        using var factory = new GenConfigFactory();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        factory.Backend.Apply = async (progress, token) =>
        {
            progress.Report(new ReconcileEvent(EventKind.Step, null, "validating the configuration"));
            progress.Report(new ReconcileEvent(EventKind.Detail, "web", "pulling <nginx:latest>"));
            await release.Task.WaitAsync(token);
            progress.Report(new ReconcileEvent(EventKind.Done, "web", "created"));
            return FakeBackend.Report(true);
        };
        using var client = await factory.LoginAsync();
        Assert.Equal("/apply", await PostApplyAsync(client));
        await WaitForEventsAsync(factory, 2);

        var (page, _) = await GenConfigFactory.GetFormAsync(client, "/apply");
        Assert.Contains("id=\"run-log\"", page, StringComparison.Ordinal);
        Assert.Contains("pulling &lt;nginx:latest&gt;", page, StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/apply/events?after=1", UriKind.Relative));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        async Task<(string? Id, string Event, string Data)> NextAsync()
        {
            string? id = null, name = "message", data = "";
            while (await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)) is { } line)
            {
                if (line.Length == 0 && data.Length > 0)
                {
                    return (id, name, data);
                }

                if (line.StartsWith("id: ", StringComparison.Ordinal))
                {
                    id = line[4..];
                }
                else if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    name = line[7..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    data += line[6..];
                }
            }

            throw new InvalidOperationException("stream ended");
        }

        var second = await NextAsync();
        Assert.Equal(("2", "progress"), (second.Id, second.Event));
        Assert.Contains("pulling \\u0026lt;nginx:latest\\u0026gt;", second.Data, StringComparison.Ordinal);

        release.SetResult();
        var third = await NextAsync();
        Assert.Equal(("3", "progress"), (third.Id, third.Event));
        Assert.Contains("created", third.Data, StringComparison.Ordinal);
        var outcome = await NextAsync();
        Assert.Equal("outcome", outcome.Event);
        Assert.Contains("\"succeeded\":true", outcome.Data, StringComparison.Ordinal);
        Assert.Contains("Application terminée avec succès", System.Text.RegularExpressions.Regex.Unescape(outcome.Data), StringComparison.Ordinal);

        var (finished, _) = await GenConfigFactory.GetFormAsync(client, "/apply");
        Assert.Contains("data-complete=\"true\"", finished, StringComparison.Ordinal);
        Assert.Contains("outcome-success", finished, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_one_apply_runs_a_second_administrator_joins_it()
    {
        using var factory = new GenConfigFactory();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        factory.Backend.Apply = async (progress, token) =>
        {
            progress.Report(new ReconcileEvent(EventKind.Step, null, "reconciling services"));
            await release.Task.WaitAsync(token);
            return FakeBackend.Report(true);
        };
        using var first = await factory.LoginAsync();
        using var second = await factory.LoginAsync();

        Assert.Equal("/apply", await PostApplyAsync(first));
        await WaitForEventsAsync(factory, 1);
        var (plan, _) = await GenConfigFactory.GetFormAsync(second, "/plan");
        Assert.Contains("est en cours", HtmlText.Decode(plan), StringComparison.Ordinal);
        Assert.DoesNotContain("action=\"/apply\"", plan, StringComparison.Ordinal);

        var (_, token) = await GenConfigFactory.GetFormAsync(second, "/config");
        using (var attach = await second.PostAsync(new Uri("/apply", UriKind.Relative), new FormUrlEncodedContent([new("__RequestVerificationToken", token)])))
        {
            Assert.Equal("/apply?attached=1", attach.Headers.Location!.OriginalString);
        }

        var (page, _) = await GenConfigFactory.GetFormAsync(second, "/apply?attached=1");
        Assert.Contains("reconciling services", page, StringComparison.Ordinal);
        Assert.Contains("Une application était déjà en cours", HtmlText.Decode(page), StringComparison.Ordinal);

        release.SetResult();
        await factory.Coordinator.Running;
        Assert.Equal(1, factory.Backend.ApplyCalls);

        // Once finished, a new apply may start.
        Assert.Equal("/apply", await PostApplyAsync(second));
        await factory.Coordinator.Running;
        Assert.Equal(2, factory.Backend.ApplyCalls);
    }

    [Fact]
    public async Task A_failed_apply_says_why_with_the_service_log()
    {
        using var factory = new GenConfigFactory();
        factory.Backend.Apply = (_, _) => Task.FromResult(FakeBackend.Report(false));
        using var client = await factory.LoginAsync();
        await PostApplyAsync(client);
        await factory.Coordinator.Running;

        var (page, _) = await GenConfigFactory.GetFormAsync(client, "/apply");
        Assert.Contains("outcome-failure", page, StringComparison.Ordinal);
        Assert.Contains("did not become healthy", page, StringComparison.Ordinal);
        Assert.Contains("<pre class=\"logs\">boom</pre>", page, StringComparison.Ordinal);

        factory.Backend.Apply = (_, _) => throw new PreflightException([new Diagnostic("web", "dockerd is not answering")]);
        await PostApplyAsync(client);
        await factory.Coordinator.Running;
        var (refused, _) = await GenConfigFactory.GetFormAsync(client, "/apply");
        Assert.Contains("web: dockerd is not answering", refused, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_needs_its_anti_forgery_token()
    {
        using var factory = new GenConfigFactory();
        using var client = await factory.LoginAsync();
        using var response = await client.PostAsync(new Uri("/apply", UriKind.Relative), new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, factory.Backend.ApplyCalls);
        Assert.Null(factory.Coordinator.Current);
    }

    [Fact]
    public async Task Status_lists_each_container_with_its_link_and_log_and_what_is_no_longer_configured()
    {
        using var factory = new GenConfigFactory();
        factory.Backend.Statuses = () =>
        [
            new ServiceStatus("web", "docker", "running", "nginx:1.27", [new PortMapping(8081, 80)], "http://127.0.0.1/web/", true),
            new ServiceStatus("chat", "docker", "absent", null, [new PortMapping(8082, 3000)], "http://127.0.0.1/chat/", true),
            new ServiceStatus("old", "docker", "stopped", "busybox:latest", [], null, false),
        ];
        factory.Backend.Logs["web"] = ["GET / 200", "GET /<script> 404"];
        using var client = await factory.LoginAsync();
        var (html, _) = await GenConfigFactory.GetFormAsync(client, "/status");
        var text = HtmlText.Decode(html);

        Assert.Contains("<a href=\"http://127.0.0.1/web/\" class=\"service-link\">/web/</a>", text, StringComparison.Ordinal);
        Assert.Contains("<code>nginx:1.27</code>", text, StringComparison.Ordinal);
        Assert.Contains("8081 → 80", text, StringComparison.Ordinal);
        Assert.Contains("en marche", text, StringComparison.Ordinal);
        Assert.Contains("GET /&lt;script&gt; 404", html, StringComparison.Ordinal);
        Assert.Contains("Possédés par Portique mais plus configurés", text, StringComparison.Ordinal);
        var leftovers = text[text.IndexOf("status-leftovers", StringComparison.Ordinal)..];
        Assert.Contains("<th scope=\"row\">old</th>", leftovers, StringComparison.Ordinal);
        Assert.Contains("Journal indisponible : no such container", leftovers, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_the_private_network_on_status_shows_each_service_address_and_without_it_no_such_column()
    {
        using var factory = new GenConfigFactory();
        factory.Backend.Statuses = () =>
        [
            new ServiceStatus("web", "docker", "running", "team/web:1", [], "http://127.0.0.1/web/", true, Address: "10.231.0.17"),
            new ServiceStatus("blog", "snap", "running", "blog", [], "http://127.0.0.1/blog/", true),
        ];
        using var client = await factory.LoginAsync();

        var text = HtmlText.Decode((await GenConfigFactory.GetFormAsync(client, "/status")).Item1);
        Assert.Contains("<th scope=\"col\">Adresse privée</th>", text, StringComparison.Ordinal);
        Assert.Contains("<td><code>10.231.0.17</code></td>", text, StringComparison.Ordinal);
        Assert.Contains("<td colspan=\"7\">", text, StringComparison.Ordinal);

        factory.Backend.Statuses = () => [new ServiceStatus("web", "docker", "running", "team/web:1", [], "http://127.0.0.1/web/", true)];
        text = HtmlText.Decode((await GenConfigFactory.GetFormAsync(client, "/status")).Item1);
        Assert.DoesNotContain("Adresse privée", text, StringComparison.Ordinal);
        Assert.Contains("<td colspan=\"6\">", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_a_swarm_of_several_nodes_status_shows_where_each_task_runs_and_otherwise_no_such_column()
    {
        using var factory = new GenConfigFactory();
        factory.Backend.Statuses = () =>
        [
            new ServiceStatus("chat", "swarm", "running", "team/chat:1", [], "http://127.0.0.1/chat/", true, Tasks: [new("alpha", "running"), new("<b>", "pending")]),
            new ServiceStatus("web", "docker", "running", "team/web:1", [], "http://127.0.0.1/web/", true),
        ];
        using var client = await factory.LoginAsync();

        var (html, _) = await GenConfigFactory.GetFormAsync(client, "/status");
        var text = HtmlText.Decode(html);
        Assert.Contains("<th scope=\"col\">Tâches (nœud : état)</th>", text, StringComparison.Ordinal);
        Assert.Contains("<td>alpha: running, &lt;b&gt;: pending</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td colspan=\"7\">", text, StringComparison.Ordinal);

        factory.Backend.Statuses = () => [new ServiceStatus("web", "docker", "running", "team/web:1", [], "http://127.0.0.1/web/", true)];
        text = HtmlText.Decode((await GenConfigFactory.GetFormAsync(client, "/status")).Item1);
        Assert.DoesNotContain("Tâches", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_checks_updates_only_when_asked_and_shows_which_service_has_a_newer_build()
    {
        using var factory = new GenConfigFactory();
        factory.Backend.Statuses = () =>
        [
            new ServiceStatus("web", "docker", "running", "nginx:1.27", [], "http://127.0.0.1/web/", true, Update: new UpdateCheck(UpdateState.UpdateAvailable, "sha256:abc")),
            new ServiceStatus("blog", "snap", "running", "blog", [], "http://127.0.0.1/blog/", true, Update: new UpdateCheck(UpdateState.NotApplicable)),
        ];
        using var client = await factory.LoginAsync();

        var (plain, _) = await GenConfigFactory.GetFormAsync(client, "/status");
        Assert.False(factory.Backend.UpdatesAsked);
        Assert.Contains("href=\"/status?updates=1\"", HtmlText.Decode(plain), StringComparison.Ordinal);

        var (html, _) = await GenConfigFactory.GetFormAsync(client, "/status?updates=1");
        var text = HtmlText.Decode(html);
        Assert.True(factory.Backend.UpdatesAsked);
        Assert.Contains("title=\"sha256:abc\">nouvelle version disponible</span>", text, StringComparison.Ordinal);
        Assert.Contains("mises à jour sans objet", text, StringComparison.Ordinal);
    }
}
