using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using CliWrap;
using CliWrap.Buffered;
using Portique.Core;
using Portique.TestSupport;

namespace Portique.Technologies.Qemu.Tests;

/// <summary>
/// Downloads from a real HTTP server on 127.0.0.1 into a temporary root, checked by qemu-img: no VM is started.
/// </summary>
public sealed class QemuFetchTests : IAsyncLifetime, IDisposable
{
    private readonly TempRoot _root = new();
    private readonly ImageServer _server = new();
    private QemuDriver _driver = null!;
    private GuestImages.Built _images = null!;

    private static CancellationToken Ct => CancellationToken.None;

    public async Task InitializeAsync()
    {
        _images = await GuestImages.GetAsync();
        _driver = new QemuDriver(_root.Root, QemuTestOptions.Default);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _driver.Dispose();
        _server.Dispose();
        _root.Dispose();
    }

    [Fact]
    public async Task An_image_is_downloaded_once_then_served_from_the_cache_read_only()
    {
        _server.ServeFile("/images/guest.img", _images.V1Raw);
        var spec = QemuTestOptions.Spec("web", "guest.img", "v1", _server.BaseUrl("images"));
        var progress = new RecordingProgress();

        var first = await _driver.FetchAsync(spec, refresh: false, progress, Ct);
        var second = await _driver.FetchAsync(spec, refresh: false, new RecordingProgress(), Ct);
        var refreshed = await _driver.FetchAsync(spec, refresh: true, new RecordingProgress(), Ct);

        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(_images.V1Raw)));
        Assert.Equal(digest, first);
        Assert.Equal(first, second);
        Assert.Equal(first, refreshed);
        Assert.Equal(1, _server.RequestCount("/images/guest.img"));

        var cached = _root.PathOf("var", "lib", "portique", "qemu", "images", "v1", "guest.img");
        Assert.Equal(cached, _driver.ImagePath("v1", "guest.img"));
        Assert.Equal(await File.ReadAllBytesAsync(_images.V1Raw), await File.ReadAllBytesAsync(cached));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.GroupRead, File.GetUnixFileMode(cached));
        using var metadata = JsonDocument.Parse(await File.ReadAllTextAsync(cached + ".portique.json"));
        Assert.Equal("raw", metadata.RootElement.GetProperty("format").GetString());
        Assert.Equal(_server.BaseUrl("images") + "/guest.img", metadata.RootElement.GetProperty("source").GetString());
        Assert.Contains(Messages.FormatNoChecksumPublished(new Uri(_server.BaseUrl("images") + "/guest.img")), progress.Lines);
        Assert.Equal(["guest.img", "guest.img.portique.json"], Directory.GetFiles(Path.GetDirectoryName(cached)!).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task Services_sharing_an_image_fetched_at_the_same_time_download_it_once()
    {
        _server.ServeFile("/shared/guest.img", _images.V1Raw);
        var specs = Enumerable.Range(1, 4).Select(i => QemuTestOptions.Spec($"web{i}", "guest.img", "v1", _server.BaseUrl("shared"))).ToArray();

        var artifacts = await Task.WhenAll(specs.Select(spec => _driver.FetchAsync(spec, false, new RecordingProgress(), Ct)));

        Assert.Single(artifacts.Distinct());
        Assert.Equal(1, _server.RequestCount("/shared/guest.img"));
    }

    [Fact]
    public async Task A_published_sha256_file_is_checked_and_a_mismatch_fails_without_changing_anything()
    {
        _server.ServeFile("/good/guest.img", _images.V1Raw);
        _server.ServeText("/good/guest.img.sha256", Sha256(_images.V1Raw) + "  guest.img\n");
        _server.ServeFile("/bad/guest.img", _images.V1Raw);
        _server.ServeText("/bad/guest.img.sha256", Sha256(_images.V2Raw) + "  guest.img\n");

        var progress = new RecordingProgress();
        await _driver.FetchAsync(QemuTestOptions.Spec("good", "guest.img", "good", _server.BaseUrl("good")), false, progress, Ct);
        Assert.Contains(progress.Lines, line => line.Contains("guest.img.sha256"));

        var failure = await Assert.ThrowsAsync<RuntimeFailureException>(
            () => _driver.FetchAsync(QemuTestOptions.Spec("bad", "guest.img", "bad", _server.BaseUrl("bad")), false, new RecordingProgress(), Ct));

        Assert.Contains(Sha256(_images.V2Raw), failure.Message);
        Assert.Contains(Sha256(_images.V1Raw), failure.Message);
        Assert.Contains("/bad/guest.img", failure.Message);
        var badFolder = _root.PathOf("var", "lib", "portique", "qemu", "images", "bad");
        Assert.Empty(Directory.GetFileSystemEntries(badFolder));
        Assert.Equal(1, _server.RequestCount("/bad/guest.img"));
    }

    [Fact]
    public async Task A_sha256sums_list_is_used_when_there_is_no_sha256_file()
    {
        _server.ServeFile("/sums/guest.img", _images.V1Raw);
        _server.ServeText("/sums/SHA256SUMS", $"{Sha256(_images.V2Raw)}  other.img\n{Sha256(_images.V1Raw)} *guest.img\n");
        _server.ServeFile("/badsums/guest.img", _images.V1Raw);
        _server.ServeText("/badsums/SHA256SUMS", $"{Sha256(_images.V2Raw)}  guest.img\n");

        var progress = new RecordingProgress();
        await _driver.FetchAsync(QemuTestOptions.Spec("sums", "guest.img", "sums", _server.BaseUrl("sums")), false, progress, Ct);

        Assert.Contains(progress.Lines, line => line.Contains("SHA256SUMS"));
        Assert.Equal(1, _server.RequestCount("/sums/guest.img.sha256"));
        await Assert.ThrowsAsync<RuntimeFailureException>(
            () => _driver.FetchAsync(QemuTestOptions.Spec("badsums", "guest.img", "badsums", _server.BaseUrl("badsums")), false, new RecordingProgress(), Ct));
        Assert.False(File.Exists(_driver.ImagePath("badsums", "guest.img")));
    }

    [Fact]
    public async Task A_failed_download_names_the_address_and_the_status()
    {
        _server.ServeStatus("/broken/guest.img", HttpStatusCode.InternalServerError);

        var missing = await Assert.ThrowsAsync<RuntimeFailureException>(
            () => _driver.FetchAsync(QemuTestOptions.Spec("web", "absent.img", "v1", _server.BaseUrl("images")), false, new RecordingProgress(), Ct));
        var broken = await Assert.ThrowsAsync<RuntimeFailureException>(
            () => _driver.FetchAsync(QemuTestOptions.Spec("web", "guest.img", "v1", _server.BaseUrl("broken")), false, new RecordingProgress(), Ct));
        var unreachable = await Assert.ThrowsAsync<RuntimeFailureException>(
            () => _driver.FetchAsync(QemuTestOptions.Spec("web", "guest.img", "v1", $"http://127.0.0.1:{TestPorts.FreePort()}/images"), false, new RecordingProgress(), Ct));

        Assert.Contains(_server.BaseUrl("images") + "/absent.img", missing.Message);
        Assert.Contains("404", missing.Message);
        Assert.Contains("500", broken.Message);
        Assert.Contains("127.0.0.1", unreachable.Message);
        Assert.Empty(Directory.GetFiles(_root.PathOf("var", "lib", "portique", "qemu", "images", "v1")));
    }

    [Fact]
    public async Task A_qcow2_image_is_recognised_even_named_img_and_a_raw_file_named_qcow2_is_refused()
    {
        _server.ServeFile("/q/guest.qcow2", _images.V1Qcow2);
        _server.ServeFile("/q/guestq.img", _images.V1Qcow2AsImg);
        _server.ServeFile("/q/fake.qcow2", _images.V1Raw);

        await _driver.FetchAsync(QemuTestOptions.Spec("a", "guest.qcow2", "v1", _server.BaseUrl("q")), false, new RecordingProgress(), Ct);
        await _driver.FetchAsync(QemuTestOptions.Spec("b", "guestq.img", "v1", _server.BaseUrl("q")), false, new RecordingProgress(), Ct);
        var refused = await Assert.ThrowsAsync<RuntimeFailureException>(
            () => _driver.FetchAsync(QemuTestOptions.Spec("c", "fake.qcow2", "v1", _server.BaseUrl("q")), false, new RecordingProgress(), Ct));

        Assert.Equal("qcow2", Format(_driver.ImagePath("v1", "guest.qcow2")));
        Assert.Equal("qcow2", Format(_driver.ImagePath("v1", "guestq.img")));
        Assert.Contains("raw", refused.Message);
        Assert.False(File.Exists(_driver.ImagePath("v1", "fake.qcow2")));
    }

    [Fact]
    public async Task A_qcow2_image_pointing_at_a_host_file_is_refused()
    {
        var evil = _root.PathOf("evil.qcow2");
        var result = await Cli.Wrap("qemu-img")
            .WithArguments(["create", "-q", "-f", "qcow2", "-b", "/etc/hostname", "-F", "raw", evil])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();
        Assert.True(result.ExitCode == 0, result.StandardError);
        _server.ServeFile("/evil/evil.qcow2", evil);

        var refused = await Assert.ThrowsAsync<RuntimeFailureException>(
            () => _driver.FetchAsync(QemuTestOptions.Spec("evil", "evil.qcow2", "v1", _server.BaseUrl("evil")), false, new RecordingProgress(), Ct));

        Assert.Contains("evil.qcow2", refused.Message);
        Assert.False(File.Exists(_driver.ImagePath("v1", "evil.qcow2")));
    }

    [Fact]
    public async Task The_same_version_from_another_server_is_accepted_only_when_identical()
    {
        _server.ServeFile("/one/guest.img", _images.V1Raw);
        _server.ServeFile("/mirror/guest.img", _images.V1Raw);
        _server.ServeFile("/other/guest.img", _images.V2Raw);

        var first = await _driver.FetchAsync(QemuTestOptions.Spec("web", "guest.img", "v1", _server.BaseUrl("one")), false, new RecordingProgress(), Ct);
        var mirrored = await _driver.FetchAsync(QemuTestOptions.Spec("web", "guest.img", "v1", _server.BaseUrl("mirror")), false, new RecordingProgress(), Ct);
        var conflict = await Assert.ThrowsAsync<RuntimeFailureException>(
            () => _driver.FetchAsync(QemuTestOptions.Spec("web", "guest.img", "v1", _server.BaseUrl("other")), false, new RecordingProgress(), Ct));

        Assert.Equal(first, mirrored);
        Assert.Contains("v1", conflict.Message);
        Assert.Equal(await File.ReadAllBytesAsync(_images.V1Raw), await File.ReadAllBytesAsync(_driver.ImagePath("v1", "guest.img")));
    }

    [Fact]
    public async Task Unsafe_names_never_reach_the_file_system()
    {
        var traversal = QemuTestOptions.Spec("web", "../../escape.img", "v1", _server.BaseUrl("images"));
        var badTag = QemuTestOptions.Spec("web", "guest.img", "../up", _server.BaseUrl("images"));

        await Assert.ThrowsAsync<InvalidInputException>(() => _driver.FetchAsync(traversal, false, new RecordingProgress(), Ct));
        await Assert.ThrowsAsync<InvalidInputException>(() => _driver.FetchAsync(badTag, false, new RecordingProgress(), Ct));
        Assert.Equal(0, _server.RequestCount("/escape.img"));
        Assert.False(Directory.Exists(_root.PathOf("var", "lib", "portique", "qemu")));
    }

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    private static string Format(string image)
    {
        using var metadata = JsonDocument.Parse(File.ReadAllText(image + ".portique.json"));
        return metadata.RootElement.GetProperty("format").GetString()!;
    }
}
