using System.Net;
using CliWrap.Buffered;
using Docker.DotNet.Models;
using Portique.TestSupport;

namespace Portique.EndToEnd.Tests;

/// <summary>
/// The main job, end to end: the real CLI against dockerd, the local registry, a git repository and nginx.
/// Each test has its own root, ports and images.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ReconfigureTests : IAsyncLifetime
{
    private readonly Deployment deployment = new();
    private readonly int webPort = TestPorts.FreePort();
    private readonly int sitePort = TestPorts.FreePort();

    // Container names are global to dockerd: unique per test so a demo or another root never collides.
    private readonly string web = "web-" + Guid.NewGuid().ToString("N")[..6];
    private readonly string site = "site-" + Guid.NewGuid().ToString("N")[..6];

    public Task InitializeAsync() => deployment.InitializeAsync();

    public Task DisposeAsync() => deployment.DisposeAsync();

    private string Image => deployment.Images.Name("web");

    private async Task<GitFixture> DeployTwoServicesAsync()
    {
        await deployment.Images.PublishAsync(Image, "1.0", "web-1.0");
        var baseImage = await deployment.Images.BuildAsync(deployment.Images.Name("base") + ":1", "base");
        var git = await GitFixture.CreateAsync(baseImage, "site-v1");
        await git.TagAsync("v1");
        await deployment.ConfigureAsync(
        [
            "nombre_conteneur=2",
            .. deployment.DockerService(1, web, Image, "1.0", webPort),
            $"conteneur2_name={site}",
            "conteneur2_type=docker+git",
            $"conteneur2_url={deployment.Images.Name("site")}",
            "conteneur2_tag=v1",
            $"conteneur2_repository={git.Url}",
            "conteneur2_port_in=8080",
            $"conteneur2_port_out={sitePort}",
        ]);
        await deployment.SucceedAsync("instance");
        return git;
    }

    [Fact]
    public async Task Two_services_are_reachable_under_their_names_over_http_and_https()
    {
        using var git = await DeployTwoServicesAsync();

        Assert.Contains("web-1.0", await deployment.GetAsync($"/{web}/"));
        Assert.Contains("site-v1", await deployment.GetAsync($"/{site}/"));

        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true, AllowAutoRedirect = false };
        using var https = new HttpClient(handler);
        Assert.Contains("web-1.0", await https.GetStringAsync(new Uri($"https://127.0.0.1:{deployment.HttpsPort}/{web}/")));
        using var redirect = await https.GetAsync(new Uri($"https://127.0.0.1:{deployment.HttpsPort}/{web}"));
        Assert.Equal(HttpStatusCode.MovedPermanently, redirect.StatusCode);
    }

    [Fact]
    public async Task A_second_reconfigure_changes_nothing_and_does_not_reload_nginx()
    {
        using var git = await DeployTwoServicesAsync();
        var webId = await deployment.ContainerIdAsync(web);
        var siteId = await deployment.ContainerIdAsync(site);
        var workers = deployment.NginxWorkers();

        var plan = await deployment.RunAsync("plan");
        Assert.True(plan.ExitCode == 0, plan.StandardOutput + plan.StandardError);
        await deployment.SucceedAsync("reconfigure");

        Assert.Equal(webId, await deployment.ContainerIdAsync(web));
        Assert.Equal(siteId, await deployment.ContainerIdAsync(site));
        Assert.Equal(workers, deployment.NginxWorkers());
    }

    [Fact]
    public async Task A_changed_tag_recreates_only_that_container()
    {
        using var git = await DeployTwoServicesAsync();
        await deployment.Images.PublishAsync(Image, "2.0", "web-2.0");
        var webId = await deployment.ContainerIdAsync(web);
        var siteId = await deployment.ContainerIdAsync(site);

        await deployment.SucceedAsync("set", "conteneur1_tag", "2.0");
        var plan = await deployment.RunAsync("plan");
        Assert.Equal(3, plan.ExitCode);
        Assert.Contains("tag: 1.0 → 2.0", plan.StandardOutput);
        await deployment.SucceedAsync("reconfigure");

        Assert.NotEqual(webId, await deployment.ContainerIdAsync(web));
        Assert.Equal(siteId, await deployment.ContainerIdAsync(site));
        Assert.Contains("web-2.0", await deployment.GetAsync($"/{web}/"));
    }

    [Fact]
    public async Task Reconfigure_with_pull_follows_a_tag_that_moved_and_without_it_keeps_the_running_image()
    {
        using var git = await DeployTwoServicesAsync();
        var webId = await deployment.ContainerIdAsync(web);
        var running = (await deployment.Images.Client.Containers.InspectContainerAsync(webId)).Image;
        // The tag moves in the registry; the local copy still carries the old image under that tag.
        var reference = await deployment.Images.PublishAsync(Image, "1.0", "web-1.0-rebuilt");
        await deployment.Images.Client.Images.TagImageAsync(running, new ImageTagParameters { RepositoryName = reference[..reference.LastIndexOf(':')], Tag = "1.0" });

        await deployment.SucceedAsync("reconfigure");
        Assert.Equal(webId, await deployment.ContainerIdAsync(web));

        var pulled = await deployment.SucceedAsync("reconfigure", "--pull");
        Assert.Contains("image:", pulled.StandardOutput);
        Assert.NotEqual(webId, await deployment.ContainerIdAsync(web));
        Assert.Contains("web-1.0-rebuilt", await deployment.GetAsync($"/{web}/"));
    }

    [Fact]
    public async Task A_removed_service_is_removed_and_its_host_data_kept()
    {
        using var git = await DeployTwoServicesAsync();
        var data = deployment.Root.PathOf("srv", web, "keep.txt");
        await File.WriteAllTextAsync(data, "precious");

        await deployment.SucceedAsync("set", $"conteneur1_name={site}", "conteneur1_type=docker+git", $"conteneur1_url={deployment.Images.Name("site")}",
            "conteneur1_tag=v1", $"conteneur1_repository={git.Url}", $"conteneur1_port_out={sitePort}", "conteneur1_mountpoint_in=", "conteneur1_mountpoint_out=",
            "nombre_conteneur=1");
        await deployment.SucceedAsync("reconfigure");

        var names = (await deployment.ContainersAsync()).SelectMany(c => c.Names).ToArray();
        Assert.Equal(["/" + site], names);
        Assert.Equal("precious", await File.ReadAllTextAsync(data));
        Assert.Contains("site-v1", await deployment.GetAsync($"/{site}/"));
    }

    [Fact]
    public async Task A_failed_pull_leaves_the_old_version_serving()
    {
        using var git = await DeployTwoServicesAsync();
        var webId = await deployment.ContainerIdAsync(web);

        await deployment.SucceedAsync("set", "conteneur1_tag", "9.9-missing");
        var result = await deployment.RunAsync("reconfigure");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("9.9-missing", result.StandardError);
        Assert.Equal(webId, await deployment.ContainerIdAsync(web));
        Assert.Contains("web-1.0", await deployment.GetAsync($"/{web}/"));
    }

    [Fact]
    public async Task A_missing_git_tag_leaves_the_old_version_serving()
    {
        using var git = await DeployTwoServicesAsync();
        var siteId = await deployment.ContainerIdAsync(site);

        await deployment.SucceedAsync("set", "conteneur2_tag", "v404");
        var result = await deployment.RunAsync("reconfigure");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("v404", result.StandardError);
        Assert.Equal(siteId, await deployment.ContainerIdAsync(site));
        Assert.Contains("site-v1", await deployment.GetAsync($"/{site}/"));
    }

    [Fact]
    public async Task A_new_image_that_crashes_at_start_is_rolled_back_with_its_last_log_lines()
    {
        using var git = await DeployTwoServicesAsync();
        await deployment.Images.PublishAsync(Image, "crash", "web-crash", TestImageOptions.Crashing);
        var webId = await deployment.ContainerIdAsync(web);

        await deployment.SucceedAsync("set", "conteneur1_tag", "crash");
        var result = await deployment.RunAsync("reconfigure");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("restored", result.StandardError);
        Assert.Equal(webId, await deployment.ContainerIdAsync(web));
        Assert.Contains("web-1.0", await deployment.GetAsync($"/{web}/"));
    }

    [Fact]
    public async Task A_stopped_container_is_started_again()
    {
        using var git = await DeployTwoServicesAsync();
        var webId = await deployment.ContainerIdAsync(web);
        await deployment.Images.Client.Containers.StopContainerAsync(webId, new ContainerStopParameters { WaitBeforeKillSeconds = 1 });

        await deployment.SucceedAsync("reconfigure");

        Assert.Equal(webId, await deployment.ContainerIdAsync(web));
        Assert.Contains("web-1.0", await deployment.GetAsync($"/{web}/"));
    }

    [Fact]
    public async Task An_invalid_nginx_template_leaves_the_last_good_configuration_serving()
    {
        using var git = await DeployTwoServicesAsync();
        // The root gets its own copy of the dictionaries and templates, with a broken service template.
        var share = Path.Join(AppContext.BaseDirectory, "share");
        CopyDirectory(Path.Join(share, "dicos"), deployment.Root.PathOf("usr", "share", "eole", "creole", "dicos"));
        CopyDirectory(Path.Join(share, "distrib"), deployment.Root.PathOf("usr", "share", "eole", "creole", "distrib"));
        var template = deployment.Root.PathOf("usr", "share", "eole", "creole", "distrib", "portique-service.conf");
        await File.AppendAllTextAsync(template, "\nlocation /broken/ { proxy_pass http://127.0.0.1:notaport; }\n");

        var result = await deployment.RunAsync("reconfigure");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("conteneur1.conf:", result.StandardError);
        Assert.Contains("web-1.0", await deployment.GetAsync($"/{web}/"));
        Assert.DoesNotContain("notaport", await File.ReadAllTextAsync(deployment.Root.PathOf("etc", "nginx", "portique", "services", "conteneur1.conf")));
    }

    [Fact]
    public async Task A_reconfigure_killed_mid_replacement_converges_on_the_next_run()
    {
        using var git = await DeployTwoServicesAsync();
        // 2.0 listens only after 4 s: the replacement stays in its risky state (old one aside, new one started,
        // not yet accepted) long enough to be caught there.
        await deployment.Images.PublishAsync(Image, "2.0", "web-2.0", new TestImageOptions
        {
            Command = ["/bin/sh", "-c", "sleep 4; exec /bin/httpd -f -p 8080 -h /www"],
        });
        await deployment.SucceedAsync("set", "conteneur1_tag", "2.0");
        var oldId = await deployment.ContainerIdAsync(web);
        string output;
        string seen;

        using (var run = deployment.Start("reconfigure"))
        {
            // The state itself, not a delay: the old container renamed aside and its successor created.
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
            IReadOnlyList<ContainerListResponse> caught;
            while (true)
            {
                caught = await WebContainersAsync();
                // The successor is another container: during the rename dockerd lists the old one under both names.
                if (caught.Any(c => c.ID == oldId && c.Names.Contains($"/{web}.portique-aside")) && caught.Any(c => c.ID != oldId && c.Names.Contains("/" + web)))
                {
                    break;
                }

                if (run.HasExited)
                {
                    Assert.Fail($"reconfigure ended before the replacement was caught: {await run.StandardOutput.ReadToEndAsync()}");
                }

                Assert.True(DateTime.UtcNow < deadline, "the old container was never set aside");
                await Task.Delay(20);
            }

            run.Kill(entireProcessTree: true);
            await run.WaitForExitAsync();
            output = await run.StandardOutput.ReadToEndAsync();
            seen = Describe(caught);
        }

        // Killed in that state: the aside instance and the unproven successor are both still there.
        var left = await WebContainersAsync();
        var context = $"caught: {seen}\nleft: {Describe(left)}\noutput:\n{output}";
        Assert.True(left.Any(c => c.ID == oldId && c.Names.Contains($"/{web}.portique-aside") && c.State != "running"), context);
        Assert.True(left.Any(c => c.ID != oldId && c.Names.Contains("/" + web)), context);

        await deployment.SucceedAsync("reconfigure");

        var webContainers = await WebContainersAsync();
        var survivor = Assert.Single(webContainers);
        Assert.Equal(["/" + web], survivor.Names);
        Assert.Equal("running", survivor.State);
        Assert.DoesNotContain(webContainers, c => c.ID == oldId);
        Assert.Contains("web-2.0", await deployment.GetAsync($"/{web}/"));
        Assert.Equal(0, (await deployment.RunAsync("plan")).ExitCode);
    }

    private static string Describe(IEnumerable<ContainerListResponse> containers) =>
        string.Join("; ", containers.Select(c => $"{string.Join(",", c.Names)} {c.ID[..12]} {c.State} {c.Command}"));

    private async Task<IReadOnlyList<ContainerListResponse>> WebContainersAsync() =>
        (await deployment.ContainersAsync()).Where(c => c.Labels["portique.name"] == web).ToList();

    [Fact]
    public async Task Two_concurrent_reconfigures_do_not_interleave()
    {
        using var git = await DeployTwoServicesAsync();
        await deployment.Images.PublishAsync(Image, "2.0", "web-2.0");
        await deployment.SucceedAsync("set", "conteneur1_tag", "2.0");

        var first = deployment.Command(["reconfigure"]).ExecuteBufferedAsync();
        var second = deployment.Command(["reconfigure"]).ExecuteBufferedAsync();
        var results = await Task.WhenAll(first.Task, second.Task);

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.StandardOutput + r.StandardError));
        Assert.Contains(results, r => r.StandardOutput.Contains("another reconfigure is running", StringComparison.Ordinal));
        // The second found the work done: it recreated nothing.
        Assert.Single(results, r => r.StandardOutput.Contains("recreated", StringComparison.Ordinal));
        Assert.Single(await deployment.ContainersAsync(), c => c.Labels["portique.name"] == web);
    }

    [Fact]
    public async Task Status_lists_each_service_with_its_state_and_url()
    {
        using var git = await DeployTwoServicesAsync();
        var status = await deployment.SucceedAsync("status", "--json");
        Assert.Contains($"\"name\": \"{web}\"", status.StandardOutput);
        Assert.Contains("\"state\": \"running\"", status.StandardOutput);
        Assert.Contains($"/{web}/", status.StandardOutput);

        // busybox httpd logs nothing by itself: the log is empty, and says so by printing no line.
        var logs = await deployment.SucceedAsync("logs", web);
        Assert.Equal("", logs.StandardOutput.Trim());
    }

    [Fact]
    public async Task Invalid_configuration_is_refused_with_exit_code_2_and_nothing_changes()
    {
        using var git = await DeployTwoServicesAsync();
        var before = await File.ReadAllBytesAsync(deployment.Root.PathOf("etc", "eole", "config.eol"));
        var webId = await deployment.ContainerIdAsync(web);

        var result = await deployment.RunAsync("set", "conteneur1_port_out", "70000");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("conteneur1_port_out", result.StandardError);
        Assert.Equal(before, await File.ReadAllBytesAsync(deployment.Root.PathOf("etc", "eole", "config.eol")));
        Assert.Equal(webId, await deployment.ContainerIdAsync(web));
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Join(to, Path.GetFileName(file)), overwrite: true);
        }
    }
}

/// <summary>End-to-end tests share dockerd and the machine's two cores: one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EndToEndCollection
{
    public const string Name = "end-to-end";
}
