using System.Formats.Tar;
using CliWrap.Buffered;
using System.Net;
using System.Text;
using System.Text.Json;
using Docker.DotNet;
using Docker.DotNet.Models;
using Version = System.Version;

namespace Portique.TestSupport;

/// <summary>
/// What a test image does. The default serves <c>/www</c> on port 8080 with busybox httpd, <c>/www/index.html</c>
/// saying its version. Commands are exec-form lists (written into the Dockerfile as JSON arrays).
/// </summary>
public sealed record TestImageOptions
{
    public static IReadOnlyList<string> HttpdCommand { get; } = ["/bin/httpd", "-f", "-p", "8080", "-h", "/www"];

    /// <summary>The image's CMD.</summary>
    public IReadOnlyList<string> Command { get; init; } = HttpdCommand;

    /// <summary>A HEALTHCHECK test command (exec form), checked every second, unhealthy after one failure; null: none.</summary>
    public IReadOnlyList<string>? HealthCheck { get; init; }

    /// <summary>Extra files: absolute path in the image → content.</summary>
    public IReadOnlyDictionary<string, string> Files { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Files of the host copied into the image at the same path, with their content (a symbolic link is followed):
    /// a program and its libraries (<see cref="TestImages.ProgramWithLibrariesAsync"/>), for what busybox lacks.
    /// </summary>
    public IReadOnlyList<string> HostFiles { get; init; } = [];

    /// <summary>Null: <c>FROM scratch</c> with busybox. Else the image to start from (only the files are added).</summary>
    public string? BaseImage { get; init; }

    /// <summary>Exits with status 1 at once, after a line on stderr.</summary>
    public static TestImageOptions Crashing { get; } = new()
    {
        Command = ["/bin/sh", "-c", "echo 'crashing on purpose' >&2; exit 1"],
    };

    /// <summary>Serves HTTP, but its HEALTHCHECK always fails.</summary>
    public static TestImageOptions FailingHealthCheck { get; } = new() { HealthCheck = ["/bin/false"] };

    /// <summary>Serves HTTP; its HEALTHCHECK fetches the page.</summary>
    public static TestImageOptions PassingHealthCheck { get; } = new()
    {
        HealthCheck = ["/bin/wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/index.html"],
    };

    /// <summary>
    /// Writes <c>$PORTIQUE_TEST_MESSAGE</c> into the file <c>$PORTIQUE_TEST_OUTPUT</c> (both from the container's
    /// environment), then serves HTTP: proves environment and volumes in one go.
    /// </summary>
    public static TestImageOptions WritingEnvironmentToFile { get; } = new()
    {
        Command = ["/bin/sh", "-c", "printf '%s\\n' \"$PORTIQUE_TEST_MESSAGE\" > \"$PORTIQUE_TEST_OUTPUT\" && exec /bin/httpd -f -p 8080 -h /www"],
    };

    /// <summary>Holds 20 MiB in <c>/dev/shm</c> (memory, never file cache: a cgroup counts it as used), then serves HTTP.</summary>
    public static TestImageOptions Holding20MiB { get; } = new()
    {
        Command = ["/bin/sh", "-c", "dd if=/dev/zero of=/dev/shm/fill bs=1048576 count=20 2>/dev/null; exec /bin/httpd -f -p 8080 -h /www"],
    };

    /// <summary>Prints <c>error line</c> on stderr, then <c>line 1</c> ... <c>line 20</c> on stdout, then serves HTTP.</summary>
    public static TestImageOptions Logging { get; } = new()
    {
        Command =
        [
            "/bin/sh", "-c",
            "echo 'error line' >&2; i=0; while [ $i -lt 20 ]; do i=$((i+1)); echo \"line $i\"; done; exec /bin/httpd -f -p 8080 -h /www",
        ],
    };
}

/// <summary>
/// Builds test images through the Engine API (no Docker Hub here: busybox-static from the host, <c>FROM scratch</c>),
/// pushes them to the local registry, and on dispose removes every container and image it made or was told about.
/// Names start with <see cref="RunId"/> (<c>portique-test-1a2b3c4d</c>), unique per instance.
/// </summary>
public sealed class TestImages : IAsyncLifetime, IAsyncDisposable
{
    /// <summary>Label on every image built here: its value is <see cref="RunId"/>.</summary>
    public const string RunLabel = "portique.test-run";

    private const string BusyboxPath = "/bin/busybox";

    private static readonly string[] Applets =
        ["sh", "httpd", "wget", "echo", "printf", "cat", "sleep", "false", "true", "mkdir", "ls", "env", "test", "[", "id", "touch"];

    private readonly List<string> _containers = [];
    private readonly List<string> _images = [];
    private readonly List<string> _roots = [];
    private readonly List<(string Repository, string Tag)> _pushed = [];
    private DockerClient? _client;

    public TestImages(string? runId = null)
    {
        RunId = runId ?? "portique-test-" + Guid.NewGuid().ToString("N")[..8];
    }

    public string RunId { get; }

    /// <summary>A client pinned to the API version dockerd speaks (set by <see cref="InitializeAsync"/>).</summary>
    public DockerClient Client => _client ?? throw new InvalidOperationException("TestImages.InitializeAsync was not called");

    /// <summary>The page every test image serves at <c>/index.html</c> for <paramref name="version"/>.</summary>
    public static string IndexPage(string version) => $"Portique test image, version {version}\n";

    /// <summary>
    /// <paramref name="program"/> and every shared library it loads, as <c>ldd</c> lists them (the dynamic loader
    /// included): what <see cref="TestImageOptions.HostFiles"/> needs to run a host program in a busybox image.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ProgramWithLibrariesAsync(string program, CancellationToken cancellationToken)
    {
        if (!File.Exists(program))
        {
            throw new InvalidOperationException($"{program} is missing: scripts/install-deps.sh --tests installs it");
        }

        var ldd = await CliWrap.Cli.Wrap("ldd").WithArguments([program]).ExecuteBufferedAsync(cancellationToken);
        var files = new List<string> { program };
        foreach (var line in ldd.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)", "/lib64/ld-linux-x86-64.so.2 (0x...)", "linux-vdso.so.1 (0x...)"
            var path = line.Contains("=>", StringComparison.Ordinal) ? line[(line.IndexOf("=>", StringComparison.Ordinal) + 2)..].Trim() : line;
            path = path.Split(' ')[0];
            if (path.StartsWith('/'))
            {
                files.Add(path);
            }
        }

        return files;
    }

    /// <summary>A name unique to this run: <c>RUNID-suffix</c>.</summary>
    public string Name(string suffix) => RunId + "-" + suffix;

    public async Task InitializeAsync()
    {
        await RequiredServices.DockerAsync();
        _client ??= await ConnectAsync(RequiredServices.DockerEndpoint, CancellationToken.None);
    }

    /// <summary>A Docker client negotiated like the driver's: pinned to dockerd's own API version (at most 1.51).</summary>
    public static async Task<DockerClient> ConnectAsync(Uri endpoint, CancellationToken cancellationToken)
    {
        using var probe = new DockerClientBuilder().WithEndpoint(endpoint).Build();
        var version = await probe.System.GetVersionAsync(cancellationToken);
        var api = Version.TryParse(version.APIVersion, out var parsed) ? parsed : new Version(1, 41);
        var max = new Version(1, 51);
        return new DockerClientBuilder().WithEndpoint(endpoint).WithApiVersion(api > max ? max : api).Build();
    }

    /// <summary>Builds <paramref name="reference"/> (<c>name:tag</c>) serving <see cref="IndexPage"/>; returns the image id.</summary>
    public async Task<string> BuildAsync(string reference, string version, TestImageOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(reference);
        options ??= new TestImageOptions();
        TrackImage(reference);

        await using var context = new MemoryStream();
        WriteContext(context, version, options);
        context.Position = 0;

        var messages = new MessageLog();
        await Client.Images.BuildImageFromDockerfileAsync(
            new ImageBuildParameters
            {
                Tags = [reference],
                Labels = new Dictionary<string, string> { [RunLabel] = RunId },
                Remove = true,
                ForceRemove = true,
                // Never a cached layer: two tests building the same content (many build "version 2.0") would share one,
                // and the first to clean up deletes it under the other's build (CI: "unable to find image sha256:…").
                NoCache = true,
            },
            context,
            [],
            new Dictionary<string, string>(),
            messages,
            cancellationToken);
        if (messages.Error is not null)
        {
            Assert.Fail($"building test image {reference} failed: {messages.Error}\n{messages.Text}");
        }

        var image = await Client.Images.InspectImageAsync(reference, cancellationToken);
        return image.ID;
    }

    /// <summary>
    /// Builds <c>127.0.0.1:5000/NAME:TAG</c>, pushes it to the local registry and, unless <paramref name="keepLocal"/>,
    /// removes the local copy so a pull is needed. Returns the registry's name for it (<c>127.0.0.1:5000/NAME:TAG</c>).
    /// </summary>
    public async Task<string> PublishAsync(
        string name,
        string tag,
        string version,
        TestImageOptions? options = null,
        bool keepLocal = false,
        CancellationToken cancellationToken = default)
    {
        var repository = RequiredServices.Registry + "/" + name;
        var reference = repository + ":" + tag;
        await BuildAsync(reference, version, options, cancellationToken);
        _pushed.Add((name, tag));

        var messages = new MessageLog();
        await Client.Images.PushImageAsync(repository, new ImagePushParameters { Tag = tag }, new AuthConfig(), messages, cancellationToken);
        if (messages.Error is not null)
        {
            Assert.Fail($"pushing {reference} failed: {messages.Error}\n{messages.Text}");
        }

        if (!keepLocal)
        {
            await RemoveImageAsync(reference, cancellationToken);
        }

        return reference;
    }

    /// <summary>Removes the local image <paramref name="reference"/> (forced); absent is fine.</summary>
    public async Task RemoveImageAsync(string reference, CancellationToken cancellationToken = default)
    {
        try
        {
            await Client.Images.DeleteImageAsync(reference, new ImageDeleteParameters { Force = true }, cancellationToken);
        }
        catch (DockerImageNotFoundException)
        {
        }
        catch (DockerApiException exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
        }
    }

    /// <summary>The local image id of <paramref name="reference"/>, or null when absent.</summary>
    public async Task<ImageInspectResponse?> TryInspectImageAsync(string reference, CancellationToken cancellationToken = default)
    {
        try
        {
            return await Client.Images.InspectImageAsync(reference, cancellationToken);
        }
        catch (DockerApiException exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Remove this container (name or id) on dispose.</summary>
    public void TrackContainer(string nameOrId) => _containers.Add(nameOrId);

    /// <summary>Remove this image on dispose.</summary>
    public void TrackImage(string reference) => _images.Add(reference);

    /// <summary>Remove every container labelled <c>portique.root=<paramref name="rootDirectory"/></c> on dispose.</summary>
    public void TrackRoot(string rootDirectory) => _roots.Add(rootDirectory);

    public async Task DisposeAsync()
    {
        if (_client is null)
        {
            return;
        }

        try
        {
            await CleanUpAsync();
        }
        finally
        {
            _client.Dispose();
            _client = null;
        }
    }

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

    private async Task CleanUpAsync()
    {
        var containers = await Client.Containers.ListContainersAsync(new ContainersListParameters { All = true });
        foreach (var container in containers)
        {
            var names = container.Names?.Select(n => n.TrimStart('/')).ToArray() ?? [];
            var labels = container.Labels ?? new Dictionary<string, string>();
            var ours = names.Any(n => n.StartsWith(RunId, StringComparison.Ordinal) || _containers.Contains(n))
                || _containers.Contains(container.ID)
                || (labels.TryGetValue("portique.root", out var root) && _roots.Contains(root))
                || container.Image.StartsWith(RunId, StringComparison.Ordinal)
                || container.Image.StartsWith(RequiredServices.Registry + "/" + RunId, StringComparison.Ordinal)
                || _images.Contains(container.Image);
            if (ours)
            {
                await IgnoreFailureAsync(() => Client.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true }));
            }
        }

        // Newest first: images built FROM a test image (docker+git builds) go before their base.
        var images = await Client.Images.ListImagesAsync(new ImagesListParameters { All = false });
        foreach (var image in images.OrderByDescending(i => i.Created))
        {
            var tags = image.RepoTags ?? [];
            var labels = image.Labels ?? new Dictionary<string, string>();
            var ours = tags.Any(t => t.StartsWith(RunId, StringComparison.Ordinal)
                    || t.StartsWith(RequiredServices.Registry + "/" + RunId, StringComparison.Ordinal)
                    || _images.Contains(t))
                || (labels.TryGetValue(RunLabel, out var run) && run == RunId)
                || (labels.TryGetValue("portique.image", out var built) && built.StartsWith(RunId, StringComparison.Ordinal));
            if (ours)
            {
                await IgnoreFailureAsync(() => Client.Images.DeleteImageAsync(image.ID, new ImageDeleteParameters { Force = true }));
            }
        }

        foreach (var (repository, tag) in _pushed)
        {
            await IgnoreFailureAsync(() => DeleteFromRegistryAsync(repository, tag));
        }
    }

    private static async Task DeleteFromRegistryAsync(string repository, string tag)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var head = new HttpRequestMessage(HttpMethod.Head, new Uri($"http://{RequiredServices.Registry}/v2/{repository}/manifests/{tag}"));
        head.Headers.Accept.ParseAdd("application/vnd.docker.distribution.manifest.v2+json");
        using var response = await http.SendAsync(head);
        if (response.Headers.TryGetValues("Docker-Content-Digest", out var digests) && digests.FirstOrDefault() is { } digest)
        {
            using var delete = await http.DeleteAsync(new Uri($"http://{RequiredServices.Registry}/v2/{repository}/manifests/{digest}"));
        }
    }

    private static async Task IgnoreFailureAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception exception) when (exception is DockerApiException or HttpRequestException or IOException or TaskCanceledException)
        {
            // Cleaning up is best effort: a leftover test image must not turn a passing test red.
        }
    }

    /// <summary>The build context: a Dockerfile and a root filesystem (busybox + symlinks, /etc, /tmp, /www).</summary>
    private static void WriteContext(Stream output, string version, TestImageOptions options)
    {
        using var tar = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
        var dockerfile = new StringBuilder();
        const UnixFileMode DirectoryMode = (UnixFileMode)0b111_101_101;
        const UnixFileMode RegularFileMode = (UnixFileMode)0b110_100_100;

        if (options.BaseImage is null)
        {
            dockerfile.Append("FROM scratch\n");
            AddDirectory(tar, "rootfs", DirectoryMode);
            AddDirectory(tar, "rootfs/bin", DirectoryMode);
            var busybox = new PaxTarEntry(TarEntryType.RegularFile, "rootfs/bin/busybox")
            {
                Mode = (UnixFileMode)0b111_101_101,
                DataStream = File.OpenRead(BusyboxPath),
            };
            tar.WriteEntry(busybox);
            busybox.DataStream.Dispose();
            foreach (var applet in Applets)
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "rootfs/bin/" + applet) { LinkName = "busybox", Mode = DirectoryMode });
            }

            AddDirectory(tar, "rootfs/etc", DirectoryMode);
            AddFile(tar, "rootfs/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n", RegularFileMode);
            AddFile(tar, "rootfs/etc/group", "root:x:0:\nnogroup:x:65534:\n", RegularFileMode);
            AddDirectory(tar, "rootfs/root", (UnixFileMode)0b111_000_000);
            AddDirectory(tar, "rootfs/tmp", (UnixFileMode)0b1_111_111_111);
        }
        else
        {
            dockerfile.Append("FROM ").Append(options.BaseImage).Append('\n');
            AddDirectory(tar, "rootfs", DirectoryMode);
        }

        AddDirectory(tar, "rootfs/www", DirectoryMode);
        AddFile(tar, "rootfs/www/index.html", IndexPage(version), RegularFileMode);
        var directories = new HashSet<string>(StringComparer.Ordinal) { "rootfs", "rootfs/www", "rootfs/bin", "rootfs/etc", "rootfs/tmp", "rootfs/root" };
        foreach (var (path, content) in options.Files)
        {
            var relative = "rootfs/" + path.TrimStart('/');
            for (var parent = Path.GetDirectoryName(relative); !string.IsNullOrEmpty(parent) && directories.Add(parent); parent = Path.GetDirectoryName(parent))
            {
                AddDirectory(tar, parent, DirectoryMode);
            }

            AddFile(tar, relative, content, (UnixFileMode)0b111_101_101);
        }

        foreach (var path in options.HostFiles)
        {
            var relative = "rootfs/" + path.TrimStart('/');
            for (var parent = Path.GetDirectoryName(relative); !string.IsNullOrEmpty(parent) && directories.Add(parent); parent = Path.GetDirectoryName(parent))
            {
                AddDirectory(tar, parent, DirectoryMode);
            }

            using var content = File.OpenRead(path);
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, relative) { Mode = (UnixFileMode)0b111_101_101, DataStream = content });
        }

        dockerfile.Append("COPY rootfs/ /\n");
        if (options.HealthCheck is { } check)
        {
            dockerfile.Append("HEALTHCHECK --interval=1s --timeout=2s --retries=1 CMD ")
                .Append(JsonSerializer.Serialize(check)).Append('\n');
        }

        dockerfile.Append("CMD ").Append(JsonSerializer.Serialize(options.Command)).Append('\n');
        AddFile(tar, "Dockerfile", dockerfile.ToString(), RegularFileMode);
    }

    private static void AddDirectory(TarWriter tar, string path, UnixFileMode mode) =>
        tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, path + "/") { Mode = mode });

    private static void AddFile(TarWriter tar, string path, string content, UnixFileMode mode)
    {
        using var data = new MemoryStream(Encoding.UTF8.GetBytes(content));
        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, path) { Mode = mode, DataStream = data });
    }

    /// <summary>Collects an engine stream's messages synchronously: the first error and the text.</summary>
    private sealed class MessageLog : IProgress<JSONMessage>
    {
        private readonly StringBuilder _text = new();

        public string? Error { get; private set; }

        public string Text => _text.ToString();

        public void Report(JSONMessage value)
        {
            if (value.Error?.Message is { Length: > 0 } error)
            {
                Error ??= error;
            }

            _text.Append(value.Stream ?? (value.Status is null ? "" : value.Status + "\n"));
        }
    }
}
