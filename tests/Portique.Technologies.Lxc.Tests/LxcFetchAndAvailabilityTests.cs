using System.Globalization;
using Portique.Core;
using Portique.TestSupport;

namespace Portique.Technologies.Lxc.Tests;

[Collection(LxcCollection.Name)]
public sealed class LxcFetchAndAvailabilityTests(LxcFixture fixture) : IDisposable
{
    private readonly TempRoot _root = new();

    public void Dispose() => _root.Dispose();

    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task Fetch_pulls_into_the_roots_cache_once_and_refresh_follows_a_tag_that_moved()
    {
        var driver = fixture.Driver(_root.Root);
        var name = fixture.Images.Name("moving");
        var reference = await fixture.Images.PublishAsync(name, "latest", "moving-1");
        var spec = LxcFixture.Spec("moving", name, "latest");
        Assert.Equal(reference, LxcDriver.ImageReference(spec));

        var first = new RecordingProgress();
        var digest = await driver.FetchAsync(spec, refresh: false, first, Ct);
        var second = new RecordingProgress();
        var again = await driver.FetchAsync(spec, refresh: false, second, Ct);

        Assert.StartsWith("sha256:", digest);
        Assert.Contains(first.Lines, line => line.Contains(reference));
        Assert.Empty(second.Lines); // cached: no pull at all
        Assert.Equal(digest, again);
        Assert.True(File.Exists(Path.Join(_root.Directory, "var", "lib", "portique", "lxc-images", "oci", "index.json")));

        await fixture.Images.PublishAsync(name, "latest", "moving-2");
        Assert.Equal(digest, await driver.FetchAsync(spec, refresh: false, new RecordingProgress(), Ct));
        var refreshed = await driver.FetchAsync(spec, refresh: true, new RecordingProgress(), Ct);
        Assert.NotEqual(digest, refreshed);
        Assert.Equal(refreshed, await driver.FetchAsync(spec, refresh: false, new RecordingProgress(), Ct));
    }

    [Fact]
    public async Task Fetch_of_a_missing_image_fails_with_the_reference_and_the_registrys_answer()
    {
        var driver = fixture.Driver(_root.Root);
        var spec = LxcFixture.Spec("absent", fixture.Images.Name("absent"), "1");

        var failure = await Assert.ThrowsAsync<RuntimeFailureException>(() => driver.FetchAsync(spec, false, new RecordingProgress(), Ct));

        Assert.Contains(LxcDriver.ImageReference(spec), failure.Message);
    }

    [Fact]
    public async Task Availability_is_null_when_everything_is_installed_and_names_each_missing_program_otherwise()
    {
        var driver = fixture.Driver(_root.Root);
        var broken = fixture.Driver(_root.Root, LxcFixture.FastOptions with
        {
            LxcToolsDirectory = "/nonexistent/lxc",
            SkopeoExecutable = "/nonexistent/skopeo",
            UmociExecutable = "/nonexistent/umoci",
            StreamModule = "/nonexistent/ngx_stream_module.so",
        });

        Assert.Null(await driver.CheckAvailabilityAsync(Ct));

        var previous = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = Localization.English;
            var english = await broken.CheckAvailabilityAsync(Ct);
            Assert.NotNull(english);
            Assert.Contains("lxc is not installed (/nonexistent/lxc/lxc-execute not found): install the lxc package", english);
            Assert.Contains("skopeo is not installed (/nonexistent/skopeo not found)", english);
            Assert.Contains("umoci is not installed (/nonexistent/umoci not found)", english);
            Assert.Contains("libnginx-mod-stream", english);

            CultureInfo.CurrentUICulture = Localization.French;
            Assert.Contains("lxc n'est pas installé (/nonexistent/lxc/lxc-execute introuvable)", await broken.CheckAvailabilityAsync(Ct));
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }

        var spec = LxcFixture.Spec("web", fixture.Web);
        var failure = await Assert.ThrowsAnyAsync<RuntimeFailureException>(() => broken.FetchAsync(spec, false, new RecordingProgress(), Ct));
        Assert.Contains("/nonexistent/skopeo", failure.Message);
    }
}
