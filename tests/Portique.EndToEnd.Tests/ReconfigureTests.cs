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
    private readonly Deployment _deployment = new();
    private readonly int _webPort = TestPorts.FreePort();
    private readonly int _sitePort = TestPorts.FreePort();

    // Container names are global to dockerd: unique per test so a demo or another root never collides.
    private readonly string _web = "web-" + Guid.NewGuid().ToString("N")[..6];
    private readonly string _site = "site-" + Guid.NewGuid().ToString("N")[..6];

    public Task InitializeAsync() => _deployment.InitializeAsync();

    public Task DisposeAsync() => _deployment.DisposeAsync();

    private string Image => _deployment.Images.Name("web");

    private async Task<GitFixture> DeployTwoServicesAsync()
    {
        await _deployment.Images.PublishAsync(Image, "1.0", "web-1.0");
        var baseImage = await _deployment.Images.BuildAsync(_deployment.Images.Name("base") + ":1", "base");
        var git = await GitFixture.CreateAsync(baseImage, "site-v1");
        await git.TagAsync("v1");
        await _deployment.ConfigureAsync(
        [
            "nombre_conteneur=2",
            .. _deployment.DockerService(1, _web, Image, "1.0", _webPort),
            $"conteneur2_name={_site}",
            "conteneur2_type=docker+git",
            $"conteneur2_url={_deployment.Images.Name("site")}",
            "conteneur2_tag=v1",
            $"conteneur2_repository={git.Url}",
            "conteneur2_port_in=8080",
            $"conteneur2_port_out={_sitePort}",
        ]);
        await _deployment.SucceedAsync("instance");
        return git;
    }

    [Fact]
    public async Task Two_services_are_reachable_under_their_names_over_http_and_https()
    {
        using var git = await DeployTwoServicesAsync();

        Assert.Contains("web-1.0", await _deployment.GetAsync($"/{_web}/"));
        Assert.Contains("site-v1", await _deployment.GetAsync($"/{_site}/"));

        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true, AllowAutoRedirect = false };
        using var https = new HttpClient(handler);
        Assert.Contains("web-1.0", await https.GetStringAsync(new Uri($"https://127.0.0.1:{_deployment.HttpsPort}/{_web}/")));
        using var redirect = await https.GetAsync(new Uri($"https://127.0.0.1:{_deployment.HttpsPort}/{_web}"));
        Assert.Equal(HttpStatusCode.MovedPermanently, redirect.StatusCode);
    }

    [Fact]
    public async Task A_second_reconfigure_changes_nothing_and_does_not_reload_nginx()
    {
        using var git = await DeployTwoServicesAsync();
        var webId = await _deployment.ContainerIdAsync(_web);
        var siteId = await _deployment.ContainerIdAsync(_site);
        var workers = _deployment.NginxWorkers();

        var plan = await _deployment.RunAsync("plan");
        Assert.True(plan.ExitCode == 0, plan.StandardOutput + plan.StandardError);
        await _deployment.SucceedAsync("reconfigure");

        Assert.Equal(webId, await _deployment.ContainerIdAsync(_web));
        Assert.Equal(siteId, await _deployment.ContainerIdAsync(_site));
        Assert.Equal(workers, _deployment.NginxWorkers());
    }

    [Fact]
    public async Task A_changed_tag_recreates_only_that_container()
    {
        using var git = await DeployTwoServicesAsync();
        await _deployment.Images.PublishAsync(Image, "2.0", "web-2.0");
        var webId = await _deployment.ContainerIdAsync(_web);
        var siteId = await _deployment.ContainerIdAsync(_site);

        await _deployment.SucceedAsync("set", "conteneur1_tag", "2.0");
        var plan = await _deployment.RunAsync("plan");
        Assert.Equal(3, plan.ExitCode);
        Assert.Contains("tag: 1.0 → 2.0", plan.StandardOutput);
        await _deployment.SucceedAsync("reconfigure");

        Assert.NotEqual(webId, await _deployment.ContainerIdAsync(_web));
        Assert.Equal(siteId, await _deployment.ContainerIdAsync(_site));
        Assert.Contains("web-2.0", await _deployment.GetAsync($"/{_web}/"));
    }

    [Fact]
    public async Task Reconfigure_with_pull_follows_a_tag_that_moved_and_without_it_keeps_the_running_image()
    {
        using var git = await DeployTwoServicesAsync();
        var webId = await _deployment.ContainerIdAsync(_web);
        var running = (await _deployment.Images.Client.Containers.InspectContainerAsync(webId)).Image;
        // The tag moves in the registry; the local copy still carries the old image under that tag.
        var reference = await _deployment.Images.PublishAsync(Image, "1.0", "web-1.0-rebuilt");
        await _deployment.Images.Client.Images.TagImageAsync(running, new ImageTagParameters { RepositoryName = reference[..reference.LastIndexOf(':')], Tag = "1.0" });

        await _deployment.SucceedAsync("reconfigure");
        Assert.Equal(webId, await _deployment.ContainerIdAsync(_web));

        var pulled = await _deployment.SucceedAsync("reconfigure", "--pull");
        Assert.Contains("image:", pulled.StandardOutput);
        Assert.NotEqual(webId, await _deployment.ContainerIdAsync(_web));
        Assert.Contains("web-1.0-rebuilt", await _deployment.GetAsync($"/{_web}/"));
    }

    [Fact]
    public async Task A_removed_service_is_removed_and_its_host_data_kept()
    {
        using var git = await DeployTwoServicesAsync();
        var data = _deployment.Root.PathOf("srv", _web, "keep.txt");
        await File.WriteAllTextAsync(data, "precious");

        await _deployment.SucceedAsync("set", $"conteneur1_name={_site}", "conteneur1_type=docker+git", $"conteneur1_url={_deployment.Images.Name("site")}",
            "conteneur1_tag=v1", $"conteneur1_repository={git.Url}", $"conteneur1_port_out={_sitePort}", "conteneur1_mountpoint_in=", "conteneur1_mountpoint_out=",
            "nombre_conteneur=1");
        await _deployment.SucceedAsync("reconfigure");

        var names = (await _deployment.ContainersAsync()).SelectMany(c => c.Names).ToArray();
        Assert.Equal(["/" + _site], names);
        Assert.Equal("precious", await File.ReadAllTextAsync(data));
        Assert.Contains("site-v1", await _deployment.GetAsync($"/{_site}/"));
    }

    [Fact]
    public async Task A_failed_pull_leaves_the_old_version_serving()
    {
        using var git = await DeployTwoServicesAsync();
        var webId = await _deployment.ContainerIdAsync(_web);

        await _deployment.SucceedAsync("set", "conteneur1_tag", "9.9-missing");
        var result = await _deployment.RunAsync("reconfigure");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("9.9-missing", result.StandardError);
        Assert.Equal(webId, await _deployment.ContainerIdAsync(_web));
        Assert.Contains("web-1.0", await _deployment.GetAsync($"/{_web}/"));
    }

    [Fact]
    public async Task A_missing_git_tag_leaves_the_old_version_serving()
    {
        using var git = await DeployTwoServicesAsync();
        var siteId = await _deployment.ContainerIdAsync(_site);

        await _deployment.SucceedAsync("set", "conteneur2_tag", "v404");
        var result = await _deployment.RunAsync("reconfigure");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("v404", result.StandardError);
        Assert.Equal(siteId, await _deployment.ContainerIdAsync(_site));
        Assert.Contains("site-v1", await _deployment.GetAsync($"/{_site}/"));
    }

    [Fact]
    public async Task A_new_image_that_crashes_at_start_is_rolled_back_with_its_last_log_lines()
    {
        using var git = await DeployTwoServicesAsync();
        await _deployment.Images.PublishAsync(Image, "crash", "web-crash", TestImageOptions.Crashing);
        var webId = await _deployment.ContainerIdAsync(_web);

        await _deployment.SucceedAsync("set", "conteneur1_tag", "crash");
        var result = await _deployment.RunAsync("reconfigure");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("restored", result.StandardError);
        Assert.Equal(webId, await _deployment.ContainerIdAsync(_web));
        Assert.Contains("web-1.0", await _deployment.GetAsync($"/{_web}/"));
    }

    [Fact]
    public async Task A_stopped_container_is_started_again()
    {
        using var git = await DeployTwoServicesAsync();
        var webId = await _deployment.ContainerIdAsync(_web);
        await _deployment.Images.Client.Containers.StopContainerAsync(webId, new ContainerStopParameters { WaitBeforeKillSeconds = 1 });

        await _deployment.SucceedAsync("reconfigure");

        Assert.Equal(webId, await _deployment.ContainerIdAsync(_web));
        Assert.Contains("web-1.0", await _deployment.GetAsync($"/{_web}/"));
    }

    [Fact]
    public async Task An_invalid_nginx_template_leaves_the_last_good_configuration_serving()
    {
        using var git = await DeployTwoServicesAsync();
        // The root gets its own copy of the dictionaries and templates, with a broken service template.
        var share = Path.Join(AppContext.BaseDirectory, "share");
        CopyDirectory(Path.Join(share, "dicos"), _deployment.Root.PathOf("usr", "share", "eole", "creole", "dicos"));
        CopyDirectory(Path.Join(share, "distrib"), _deployment.Root.PathOf("usr", "share", "eole", "creole", "distrib"));
        var template = _deployment.Root.PathOf("usr", "share", "eole", "creole", "distrib", "portique-service.conf");
        await File.AppendAllTextAsync(template, "\nlocation /broken/ { proxy_pass http://127.0.0.1:notaport; }\n");

        var result = await _deployment.RunAsync("reconfigure");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("conteneur1.conf:", result.StandardError);
        Assert.Contains("web-1.0", await _deployment.GetAsync($"/{_web}/"));
        Assert.DoesNotContain("notaport", await File.ReadAllTextAsync(_deployment.Root.PathOf("etc", "nginx", "portique", "services", "conteneur1.conf")));
    }

    [Fact]
    public async Task A_reconfigure_killed_mid_replacement_converges_on_the_next_run()
    {
        using var git = await DeployTwoServicesAsync();
        // 2.0 listens only after 4 s: the replacement stays in its risky state (old one aside, new one started,
        // not yet accepted) long enough to be caught there.
        await _deployment.Images.PublishAsync(Image, "2.0", "web-2.0", new TestImageOptions
        {
            Command = ["/bin/sh", "-c", "sleep 4; exec /bin/httpd -f -p 8080 -h /www"],
        });
        await _deployment.SucceedAsync("set", "conteneur1_tag", "2.0");
        var oldId = await _deployment.ContainerIdAsync(_web);
        string output;
        string seen;

        using (var run = _deployment.Start("reconfigure"))
        {
            // The state itself, not a delay: the old container renamed aside and its successor created.
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
            IReadOnlyList<ContainerListResponse> caught;
            while (true)
            {
                caught = await WebContainersAsync();
                // The successor is another container: during the rename dockerd lists the old one under both names.
                if (caught.Any(c => c.ID == oldId && c.Names.Contains($"/{_web}.portique-aside")) && caught.Any(c => c.ID != oldId && c.Names.Contains("/" + _web)))
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
        Assert.True(left.Any(c => c.ID == oldId && c.Names.Contains($"/{_web}.portique-aside") && c.State != "running"), context);
        Assert.True(left.Any(c => c.ID != oldId && c.Names.Contains("/" + _web)), context);

        await _deployment.SucceedAsync("reconfigure");

        var webContainers = await WebContainersAsync();
        var survivor = Assert.Single(webContainers);
        Assert.Equal(["/" + _web], survivor.Names);
        Assert.Equal("running", survivor.State);
        Assert.DoesNotContain(webContainers, c => c.ID == oldId);
        Assert.Contains("web-2.0", await _deployment.GetAsync($"/{_web}/"));
        Assert.Equal(0, (await _deployment.RunAsync("plan")).ExitCode);
    }

    private static string Describe(IEnumerable<ContainerListResponse> containers) =>
        string.Join("; ", containers.Select(c => $"{string.Join(",", c.Names)} {c.ID[..12]} {c.State} {c.Command}"));

    private async Task<IReadOnlyList<ContainerListResponse>> WebContainersAsync() =>
        (await _deployment.ContainersAsync()).Where(c => c.Labels["portique.name"] == _web).ToList();

    [Fact]
    public async Task Two_concurrent_reconfigures_do_not_interleave()
    {
        using var git = await DeployTwoServicesAsync();
        await _deployment.Images.PublishAsync(Image, "2.0", "web-2.0");
        await _deployment.SucceedAsync("set", "conteneur1_tag", "2.0");

        var first = _deployment.Command(["reconfigure"]).ExecuteBufferedAsync();
        var second = _deployment.Command(["reconfigure"]).ExecuteBufferedAsync();
        var results = await Task.WhenAll(first.Task, second.Task);

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.StandardOutput + r.StandardError));
        Assert.Contains(results, r => r.StandardOutput.Contains("another reconfigure is running", StringComparison.Ordinal));
        // The second found the work done: it recreated nothing.
        Assert.Single(results, r => r.StandardOutput.Contains("recreated", StringComparison.Ordinal));
        Assert.Single(await _deployment.ContainersAsync(), c => c.Labels["portique.name"] == _web);
    }

    [Fact]
    public async Task Limits_set_in_config_eol_are_planned_applied_by_reconfigure_and_shown_by_status_with_the_current_use()
    {
        await _deployment.Images.PublishAsync(Image, "1.0", "web-1.0");
        await _deployment.ConfigureAsync(["nombre_conteneur=1", .. _deployment.DockerService(1, _web, Image, "1.0", _webPort)]);
        await _deployment.SucceedAsync("instance");
        var before = await _deployment.SucceedAsync("status");
        Assert.DoesNotContain("mem ", before.StandardOutput, StringComparison.Ordinal);

        // A value out of its form: exit 2, named, nothing changed.
        var refused = await _deployment.RunAsync("set", "conteneur1_memoire=beaucoup");
        Assert.True(refused.ExitCode == 2, refused.StandardOutput + refused.StandardError);
        Assert.Contains("conteneur1_memoire", refused.StandardOutput + refused.StandardError, StringComparison.Ordinal);

        await _deployment.SucceedAsync("set", "conteneur1_memoire=64M", "conteneur1_cpu=0.5");
        var plan = await _deployment.RunAsync("plan");
        Assert.True(plan.ExitCode == 3, plan.StandardOutput + plan.StandardError);
        Assert.Contains("memoire: (none) → 64M", plan.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("cpu: (none) → 0.5", plan.StandardOutput, StringComparison.Ordinal);
        await _deployment.SucceedAsync("reconfigure");

        var container = await _deployment.Images.Client.Containers.InspectContainerAsync(await _deployment.ContainerIdAsync(_web));
        Assert.Equal((64L << 20, 500_000_000L), (container.HostConfig!.Memory, container.HostConfig.NanoCPUs));
        Assert.Contains("web-1.0", await _deployment.GetAsync($"/{_web}/"));
        var status = await _deployment.SucceedAsync("status", "--json");
        Assert.Matches("\"limits\": \"mem [0-9.]+[KMG]/64M  cpu [0-9]+%/0\\.5\"", status.StandardOutput);
        var table = await _deployment.SucceedAsync("status");
        Assert.Contains("/64M", table.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_lists_each_service_with_its_state_and_url()
    {
        using var git = await DeployTwoServicesAsync();
        var status = await _deployment.SucceedAsync("status", "--json");
        Assert.Contains($"\"name\": \"{_web}\"", status.StandardOutput);
        Assert.Contains("\"state\": \"running\"", status.StandardOutput);
        Assert.Contains($"/{_web}/", status.StandardOutput);

        // busybox httpd logs nothing by itself: the log is empty, and says so by printing no line.
        var logs = await _deployment.SucceedAsync("logs", _web);
        Assert.Equal("", logs.StandardOutput.Trim());
    }

    [Fact]
    public async Task Invalid_configuration_is_refused_with_exit_code_2_and_nothing_changes()
    {
        using var git = await DeployTwoServicesAsync();
        var before = await File.ReadAllBytesAsync(_deployment.Root.PathOf("etc", "eole", "config.eol"));
        var webId = await _deployment.ContainerIdAsync(_web);

        var result = await _deployment.RunAsync("set", "conteneur1_port_out", "70000");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("conteneur1_port_out", result.StandardError);
        Assert.Equal(before, await File.ReadAllBytesAsync(_deployment.Root.PathOf("etc", "eole", "config.eol")));
        Assert.Equal(webId, await _deployment.ContainerIdAsync(_web));
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
