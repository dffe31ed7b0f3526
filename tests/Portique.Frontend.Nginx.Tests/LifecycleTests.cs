using System.Diagnostics;
using System.Globalization;
using System.Net;
using Portique.Core;

namespace Portique.Frontend.Nginx.Tests;

/// <summary>Plan, apply, reload, refuse, remove, restart: the adapter driving a real private nginx master.</summary>
public sealed class LifecycleTests : IAsyncLifetime
{
    private const string Broken = "portique/services/conteneur4.conf";
    private NginxSandbox _sandbox = null!;

    private NginxFrontend Frontend => _sandbox.Frontend;

    public async Task InitializeAsync()
    {
        _sandbox = NginxSandbox.Create();
        await _sandbox.InstallSharedCertificateAsync();
    }

    public async Task DisposeAsync() => await _sandbox.DisposeAsync();

    [Fact]
    public async Task First_apply_installs_every_file_and_starts_the_master()
    {
        var desired = _sandbox.Golden();

        var plan = await Frontend.PlanAsync(desired, CancellationToken.None);
        Assert.Equal(desired.Keys.Order(StringComparer.Ordinal), plan.Added);
        Assert.False(Directory.Exists(Frontend.ConfigDirectory));

        var result = await Frontend.ApplyAsync(desired, CancellationToken.None);

        Assert.Equal(FrontendAction.Started, result.Action);
        Assert.Equal(plan, result.Change);
        Assert.True(await Frontend.IsRunningAsync(CancellationToken.None));
        foreach (var (key, content) in desired)
        {
            Assert.Equal(content, File.ReadAllText(_sandbox.ConfigPath(key)));
        }

        Assert.False(Directory.Exists(Frontend.StagingDirectory));
        Assert.False(File.Exists(Frontend.ReloadPendingPath));
        Assert.StartsWith(Frontend.Root.Directory + "/", Frontend.PidFilePath());
    }

    [Fact]
    public async Task Applying_the_same_files_twice_neither_writes_nor_reloads()
    {
        var desired = _sandbox.Golden();
        await Frontend.ApplyAsync(desired, CancellationToken.None);
        var master = Frontend.FindMaster();
        var workers = Frontend.WorkerPids();
        var written = Directory.EnumerateFiles(Frontend.ConfigDirectory, "*", SearchOption.AllDirectories)
            .ToDictionary(p => p, File.GetLastWriteTimeUtc);
        Assert.NotEmpty(workers);

        var plan = await Frontend.PlanAsync(desired, CancellationToken.None);
        var result = await Frontend.ApplyAsync(desired, CancellationToken.None);

        Assert.False(plan.HasChanges);
        Assert.Equal(FrontendAction.None, result.Action);
        Assert.False(result.Change.HasChanges);
        Assert.Equal(0, Frontend.ReloadCount);
        Assert.Equal(master, Frontend.FindMaster());
        Assert.Equal(workers, Frontend.WorkerPids());
        foreach (var (path, time) in written)
        {
            Assert.Equal(time, File.GetLastWriteTimeUtc(path));
        }
    }

    [Fact]
    public async Task A_change_reloads_gracefully_with_new_workers_under_the_same_master()
    {
        var desired = _sandbox.Golden();
        await Frontend.ApplyAsync(desired, CancellationToken.None);
        var master = Frontend.FindMaster();
        var workers = Frontend.WorkerPids();

        desired["portique/services/conteneur2.conf"] = desired["portique/services/conteneur2.conf"]
            .Replace(_sandbox.Cloud.Port.ToString(), _sandbox.Wiki.Port.ToString());
        var result = await Frontend.ApplyAsync(desired, CancellationToken.None);

        Assert.Equal(FrontendAction.Reloaded, result.Action);
        Assert.Equal(["portique/services/conteneur2.conf"], result.Change.Changed);
        Assert.Equal(1, Frontend.ReloadCount);
        Assert.Equal(master, Frontend.FindMaster());
        Assert.Empty(Frontend.WorkerPids().Intersect(workers));
        using var response = await _sandbox.GetAsync("/cloud/now-on-wiki");
        Assert.Equal("wiki /cloud/now-on-wiki\n", await response.Content.ReadAsStringAsync());

        // The files as they were before this change are kept as last-good.
        Assert.Equal(
            _sandbox.Golden()["portique/services/conteneur2.conf"],
            File.ReadAllText(Path.Join(Frontend.LastGoodDirectory, "portique/services/conteneur2.conf")));
    }

    [Theory]
    [InlineData("fr", "nginx refuse la nouvelle configuration : ", "la configuration précédente reste en service")]
    [InlineData("en", "nginx rejects the new configuration: ", "the previous configuration keeps serving")]
    public async Task An_invalid_service_file_is_refused_with_its_file_and_line_and_nothing_changes(string language, string start, string end)
    {
        await Frontend.ApplyAsync(_sandbox.Golden(), CancellationToken.None);
        var before = _sandbox.SnapshotConfiguration();
        var workers = Frontend.WorkerPids();
        var desired = _sandbox.Golden();
        var broken = desired["portique/services/conteneur1.conf"]
            .Replace("/wiki", "/broken", StringComparison.Ordinal)
            .Replace(_sandbox.Wiki.Port.ToString(), "notaport", StringComparison.Ordinal);
        desired[Broken] = broken;
        var line = Array.FindIndex(broken.Split('\n'), l => l.Contains("proxy_pass", StringComparison.Ordinal)) + 1;
        var file = _sandbox.ConfigPath(Broken);

        var culture = CultureInfo.CurrentUICulture;
        FrontendConfigurationException refused;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(language);
            refused = await Assert.ThrowsAsync<FrontendConfigurationException>(
                () => Frontend.ApplyAsync(desired, CancellationToken.None));
        }
        finally
        {
            CultureInfo.CurrentUICulture = culture;
        }

        Assert.IsAssignableFrom<RuntimeFailureException>(refused);
        Assert.Equal(ExitCode.RuntimeFailure, refused.ExitCode);
        Assert.Equal(file, refused.File);
        Assert.Equal(line, refused.Line);
        Assert.Contains("notaport", refused.NginxMessage);
        Assert.StartsWith($"{start}{file}:{line}", refused.Message);
        Assert.Contains(end, refused.Message);
        Assert.DoesNotContain(Frontend.StagingDirectory, refused.Message);
        Assert.DoesNotContain(Frontend.StagingDirectory, refused.NginxOutput);

        Assert.Equal(before, _sandbox.SnapshotConfiguration());
        Assert.Equal(workers, Frontend.WorkerPids());
        Assert.Equal(0, Frontend.ReloadCount);
        Assert.False(Directory.Exists(Frontend.StagingDirectory));
        Assert.False(File.Exists(Frontend.ReloadPendingPath));
        using var response = await _sandbox.GetAsync("/wiki/still-here");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Removing_a_service_removes_only_its_file()
    {
        await Frontend.ApplyAsync(_sandbox.Golden(), CancellationToken.None);
        var foreign = _sandbox.ConfigPath("portique/services/admin.conf");
        File.WriteAllText(foreign, "# written by the administrator\nlocation /admin-custom/ { return 200 \"custom\\n\"; }\n");
        var foreignOutside = _sandbox.ConfigPath("portique/notes.conf");
        File.WriteAllText(foreignOutside, "# portique:managed but outside services/: never removed\n");
        var desired = _sandbox.Golden(without: "portique/services/conteneur2.conf");

        var plan = await Frontend.PlanAsync(desired, CancellationToken.None);
        Assert.Equal(["portique/services/conteneur2.conf"], plan.Removed);
        Assert.Empty(plan.Added);
        Assert.Empty(plan.Changed);
        Assert.True(File.Exists(_sandbox.ConfigPath("portique/services/conteneur2.conf")));

        var result = await Frontend.ApplyAsync(desired, CancellationToken.None);

        Assert.Equal(FrontendAction.Reloaded, result.Action);
        Assert.Equal(plan, result.Change);
        Assert.False(File.Exists(_sandbox.ConfigPath("portique/services/conteneur2.conf")));
        Assert.True(File.Exists(foreign));
        Assert.True(File.Exists(foreignOutside));
        Assert.True(File.Exists(_sandbox.ConfigPath("portique/services/conteneur1.conf")));
        Assert.True(File.Exists(_sandbox.ConfigPath("portique/services/conteneur3.conf")));

        using var removed = await _sandbox.GetAsync("/cloud/");
        Assert.Equal(HttpStatusCode.NotFound, removed.StatusCode);
        using var kept = await _sandbox.GetAsync("/wiki/");
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        using var custom = await _sandbox.GetAsync("/admin-custom/");
        Assert.Equal("custom\n", await custom.Content.ReadAsStringAsync());
    }

    public static TheoryData<string> StalePidContents() => ["dead", "self", "garbage"];

    [Theory]
    [MemberData(nameof(StalePidContents))]
    public async Task A_stale_pid_file_is_handled(string kind)
    {
        var desired = _sandbox.Golden();
        await Frontend.ApplyAsync(desired, CancellationToken.None);
        await Frontend.StopAsync(CancellationToken.None);
        var pidFile = Frontend.PidFilePath();
        var stale = kind switch
        {
            "dead" => DeadPid().ToString(CultureInfo.InvariantCulture),
            "self" => Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
            _ => "not a pid",
        };
        File.WriteAllText(pidFile, stale + "\n");

        Assert.False(await Frontend.IsRunningAsync(CancellationToken.None));
        await Frontend.StopAsync(CancellationToken.None);
        var result = await Frontend.ApplyAsync(desired, CancellationToken.None);

        Assert.Equal(FrontendAction.Started, result.Action);
        Assert.False(result.Change.HasChanges);
        Assert.True(await Frontend.IsRunningAsync(CancellationToken.None));
        Assert.NotEqual(stale, File.ReadAllText(pidFile).Trim());
        using var response = await _sandbox.GetAsync("/wiki/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Stop_ends_the_master_and_its_workers()
    {
        await Frontend.ApplyAsync(_sandbox.Golden(), CancellationToken.None);
        var master = Frontend.FindMaster()!.Value;
        var workers = Frontend.WorkerPids();

        await Frontend.StopAsync(CancellationToken.None);

        Assert.False(await Frontend.IsRunningAsync(CancellationToken.None));
        Assert.All(workers.Append(master), pid => Assert.False(ProcFs.IsAlive(pid)));
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => _sandbox.GetAsync("/wiki/"));
    }

    [Fact]
    public async Task A_reload_left_pending_by_an_interrupted_run_happens_on_the_next_run()
    {
        var desired = _sandbox.Golden();
        await Frontend.ApplyAsync(desired, CancellationToken.None);
        File.WriteAllText(Frontend.ReloadPendingPath, "interrupted\n");

        var result = await Frontend.ApplyAsync(desired, CancellationToken.None);

        Assert.Equal(FrontendAction.Reloaded, result.Action);
        Assert.False(result.Change.HasChanges);
        Assert.False(File.Exists(Frontend.ReloadPendingPath));
        Assert.Equal(FrontendAction.None, (await Frontend.ApplyAsync(desired, CancellationToken.None)).Action);
    }

    [Fact]
    public async Task The_configured_certificate_golden_is_accepted_by_nginx()
    {
        var certificate = Path.Join(Frontend.Root.Directory, "etc/ssl/certs/portique.ac-exemple.lan.crt");
        var key = Path.Join(Frontend.Root.Directory, "etc/ssl/private/portique.ac-exemple.lan.key");
        Directory.CreateDirectory(Path.GetDirectoryName(certificate)!);
        Directory.CreateDirectory(Path.GetDirectoryName(key)!);
        File.Copy(Frontend.CertificatePath, certificate);
        File.Copy(Frontend.KeyPath, key);
        var desired = _sandbox.Golden();
        desired["portique/frontend.conf"] = NginxSandbox.RawGolden("certificat")["portique/frontend.conf"]
            .Replace("/etc/ssl/", Frontend.Root.Directory + "/etc/ssl/", StringComparison.Ordinal)
            .Replace("listen 8080;", $"listen 127.0.0.1:{_sandbox.HttpPort};", StringComparison.Ordinal)
            .Replace("listen 8443 ssl;", $"listen 127.0.0.1:{_sandbox.HttpsPort} ssl;", StringComparison.Ordinal);
        File.Delete(Frontend.CertificatePath);
        File.Delete(Frontend.KeyPath);

        var result = await Frontend.ApplyAsync(desired, CancellationToken.None);

        Assert.Equal(FrontendAction.Started, result.Action);
        var seen = new List<string>();
        using var client = NginxSandbox.HttpsClientTrusting(certificate, seen);
        using var response = await client.GetAsync(_sandbox.Url("/wiki/", https: true));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_reload_nginx_cannot_apply_is_reported_and_the_previous_files_are_put_back()
    {
        await Frontend.ApplyAsync(_sandbox.Golden(), CancellationToken.None);
        var before = _sandbox.SnapshotConfiguration();
        var workers = Frontend.WorkerPids();
        using var busy = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        var busyPort = ((IPEndPoint)busy.LocalEndpoint).Port;
        var desired = _sandbox.Golden();
        desired["portique/frontend.conf"] = desired["portique/frontend.conf"]
            .Replace($"listen 127.0.0.1:{_sandbox.HttpPort};", $"listen 127.0.0.1:{busyPort};", StringComparison.Ordinal);

        // nginx -t does not bind: only the reload finds the port taken, and the master keeps its old configuration.
        var failure = await Assert.ThrowsAsync<RuntimeFailureException>(() => Frontend.ApplyAsync(desired, CancellationToken.None));

        Assert.IsNotType<FrontendConfigurationException>(failure);
        Assert.True(failure.Message.Contains($"bind() to 127.0.0.1:{busyPort} failed (98: Address already in use)", StringComparison.Ordinal), failure.Message);
        Assert.Equal(before, _sandbox.SnapshotConfiguration());
        Assert.Equal(workers, Frontend.WorkerPids());
        Assert.False(File.Exists(Frontend.ReloadPendingPath));
        using var response = await _sandbox.GetAsync("/wiki/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_master_that_cannot_start_is_reported_and_nothing_stays_installed()
    {
        using var busy = new System.Net.Sockets.TcpListener(IPAddress.Loopback, _sandbox.HttpPort);
        busy.Start();

        var failure = await Assert.ThrowsAsync<RuntimeFailureException>(() => Frontend.ApplyAsync(_sandbox.Golden(), CancellationToken.None));

        Assert.IsNotType<FrontendConfigurationException>(failure);
        Assert.True(failure.Message.Contains($"bind() to 127.0.0.1:{_sandbox.HttpPort} failed (98: Address already in use)", StringComparison.Ordinal), failure.Message);
        Assert.Empty(_sandbox.SnapshotConfiguration());
        Assert.False(await Frontend.IsRunningAsync(CancellationToken.None));
        Assert.False(File.Exists(Frontend.ReloadPendingPath));
    }

    [Fact]
    public async Task A_missing_nginx_binary_says_which_package_to_install()
    {
        var frontend = _sandbox.NewFrontend(new NginxFrontendOptions { NginxBinary = "/nonexistent/sbin/nginx" });

        var culture = CultureInfo.CurrentUICulture;
        RuntimeFailureException failure;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("fr-FR");
            failure = await Assert.ThrowsAsync<RuntimeFailureException>(() => frontend.ApplyAsync(_sandbox.Golden(), CancellationToken.None));
        }
        finally
        {
            CultureInfo.CurrentUICulture = culture;
        }

        Assert.Equal("nginx est introuvable (/nonexistent/sbin/nginx) : installez le paquet Debian « nginx » (apt-get install nginx).", failure.Message);
        Assert.False(Directory.Exists(frontend.ConfigDirectory));
    }

    [Fact]
    public async Task Apply_honours_cancellation()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Frontend.ApplyAsync(_sandbox.Golden(), cancelled.Token));

        Assert.False(File.Exists(_sandbox.ConfigPath("nginx.conf")));
        Assert.False(await Frontend.IsRunningAsync(CancellationToken.None));
    }

    private static int DeadPid()
    {
        using var process = Process.Start(new ProcessStartInfo("/bin/true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }
}
