using System.Net;
using Portique.Orchestration;

namespace Portique.GenConfig.Tests;

/// <summary>Snapshots on the status page and a rollback that needs the service's name typed again (issue #16).</summary>
public sealed class RollbackTests
{
    private static SnapshotManifest Snapshot(string service, string id, long size = 3 * 1024 * 1024) => new()
    {
        Id = id,
        Service = service,
        Created = new DateTimeOffset(2026, 12, 4, 10, 30, 0, TimeSpan.Zero),
        Reason = "tag: 1.0 → 2.0",
        Volumes = [new SnapshotVolume("/srv/web/data", "0.tar", "abc", size)],
    };

    private static GenConfigFactory WithWebAndSnapshot()
    {
        var factory = new GenConfigFactory();
        factory.Backend.Statuses = () => [new ServiceStatus("web", "docker", "running", "team/web:2.0", [], "http://127.0.0.1/web/", true)];
        factory.Backend.Logs["web"] = [];
        factory.Backend.Snapshots.Add(Snapshot("web", "20261204-103000-1"));
        return factory;
    }

    private static async Task<HttpResponseMessage> PostRollbackAsync(HttpClient client, string token, params (string Name, string Value)[] fields) =>
        await client.PostAsync(
            new Uri("/rollback", UriKind.Relative),
            new FormUrlEncodedContent([new("__RequestVerificationToken", token), .. fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))]));

    [Fact]
    public async Task The_status_page_lists_each_services_snapshots_with_a_link_to_roll_back_and_says_when_there_is_none()
    {
        using var factory = WithWebAndSnapshot();
        factory.Backend.Statuses = () =>
        [
            new ServiceStatus("web", "docker", "running", "team/web:2.0", [], "http://127.0.0.1/web/", true),
            new ServiceStatus("db", "docker", "running", "team/db:1.0", [], null, true),
        ];
        factory.Backend.Logs["db"] = [];
        using var client = await factory.LoginAsync();

        var (html, _) = await GenConfigFactory.GetFormAsync(client, "/status");
        var text = HtmlText.Decode(html);

        Assert.Contains("Instantanés de web (1)", text, StringComparison.Ordinal);
        Assert.Contains("<code>20261204-103000-1</code>", text, StringComparison.Ordinal);
        Assert.Contains("tag: 1.0 → 2.0", text, StringComparison.Ordinal);
        Assert.Contains("href=\"/rollback?service=web&snapshot=20261204-103000-1\"", text, StringComparison.Ordinal);
        Assert.Contains("Aucun instantané de db", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rolling_back_asks_for_the_service_name_and_only_the_right_name_starts_it_as_a_run()
    {
        using var factory = WithWebAndSnapshot();
        using var client = await factory.LoginAsync();

        var (confirm, token) = await GenConfigFactory.GetFormAsync(client, "/rollback?service=web&snapshot=20261204-103000-1");
        var text = HtmlText.Decode(confirm);
        Assert.Contains("<code>/srv/web/data</code>", text, StringComparison.Ordinal);
        Assert.Contains("name=\"confirm\"", text, StringComparison.Ordinal);
        Assert.Contains("name=\"with_data\"", text, StringComparison.Ordinal);

        // A click alone, or the wrong name, changes nothing.
        using (var unconfirmed = await PostRollbackAsync(client, token, ("service", "web"), ("snapshot", "20261204-103000-1"), ("with_data", "1")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, unconfirmed.StatusCode);
            Assert.Contains("tapez exactement", HtmlText.Decode(await unconfirmed.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        }

        using (var wrong = await PostRollbackAsync(client, token, ("service", "web"), ("snapshot", "20261204-103000-1"), ("confirm", "db")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        }

        Assert.Empty(factory.Backend.Rollbacks);
        Assert.Null(factory.Coordinator.Current);

        using var confirmed = await PostRollbackAsync(client, token, ("service", "web"), ("snapshot", "20261204-103000-1"), ("with_data", "1"), ("confirm", " web "));
        Assert.Equal(HttpStatusCode.SeeOther, confirmed.StatusCode);
        Assert.Equal("/apply", confirmed.Headers.Location!.OriginalString);
        await factory.Coordinator.Running;

        Assert.Equal([new Apply.RollbackRequest("web", "20261204-103000-1", true)], factory.Backend.Rollbacks);
        Assert.Equal(0, factory.Backend.ApplyCalls);
        var (run, _) = await GenConfigFactory.GetFormAsync(client, "/apply");
        Assert.Contains("Retour de web à l'instantané 20261204-103000-1, avec ses données.", HtmlText.Decode(run), StringComparison.Ordinal);
        Assert.Contains("restoring the data", run, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rollback_needs_its_anti_forgery_token_and_an_existing_snapshot()
    {
        using var factory = WithWebAndSnapshot();
        using var client = await factory.LoginAsync();

        using (var forged = await client.PostAsync(new Uri("/rollback", UriKind.Relative), new FormUrlEncodedContent([new("service", "web"), new("snapshot", "20261204-103000-1"), new("confirm", "web")])))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        }

        using (var missing = await client.GetAsync(new Uri("/rollback?service=web&snapshot=../../etc", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        var (_, token) = await GenConfigFactory.GetFormAsync(client, "/status");
        using (var other = await PostRollbackAsync(client, token, ("service", "db"), ("snapshot", "20261204-103000-1"), ("confirm", "db")))
        {
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        }

        Assert.Empty(factory.Backend.Rollbacks);
    }

    [Fact]
    public async Task While_an_apply_runs_a_rollback_does_not_start_and_says_why()
    {
        using var factory = WithWebAndSnapshot();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        factory.Backend.Apply = async (_, token) =>
        {
            await release.Task.WaitAsync(token);
            return FakeBackend.Report(true);
        };
        using var client = await factory.LoginAsync();
        var (_, token) = await GenConfigFactory.GetFormAsync(client, "/plan");
        using (var apply = await client.PostAsync(new Uri("/apply", UriKind.Relative), new FormUrlEncodedContent([new("__RequestVerificationToken", token)])))
        {
            Assert.Equal(HttpStatusCode.SeeOther, apply.StatusCode);
        }

        using var busy = await PostRollbackAsync(client, token, ("service", "web"), ("snapshot", "20261204-103000-1"), ("confirm", "web"));

        Assert.Equal(HttpStatusCode.Conflict, busy.StatusCode);
        Assert.Contains("une application est en cours", HtmlText.Decode(await busy.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        release.SetResult();
        await factory.Coordinator.Running;
        Assert.Empty(factory.Backend.Rollbacks);
    }
}
