using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Portique.Core;

namespace Portique.Technologies.Lxc;

/// <summary>What an OCI image asks its container to run.</summary>
internal sealed record OciImageConfig(
    IReadOnlyList<string> Entrypoint,
    IReadOnlyList<string> Cmd,
    IReadOnlyList<string> Environment,
    string WorkingDirectory,
    string User)
{
    /// <summary>Entrypoint then Cmd, as docker runs them.</summary>
    public IReadOnlyList<string> Command => [.. Entrypoint, .. Cmd];
}

/// <summary>
/// The root's lxc image cache: one OCI layout (<c>STATE/lxc-images/oci</c>) filled by skopeo from the registry and
/// read by umoci. Each reference has a tag <c>r-HASH</c> (where it pointed when last pulled, recorded in
/// <c>refs/HASH.json</c>) and each manifest digest a tag <c>d-HEX</c> that keeps it while a container uses it.
/// The artifact identity is the manifest digest (<c>sha256:...</c>) in the layout.
/// </summary>
internal sealed partial class OciImageCache : IDisposable
{
    private const string RefAnnotation = "org.opencontainers.image.ref.name";
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private readonly LxcDriverOptions _options;
    private readonly SemaphoreSlim _lock = new(1, 1);

    public OciImageCache(string directory, LxcDriverOptions options)
    {
        Directory = directory;
        _options = options;
    }

    public string Directory { get; }

    public void Dispose() => _lock.Dispose();

    public string Layout => Path.Join(Directory, "oci");

    private string RefsDirectory => Path.Join(Directory, "refs");

    private string RegistriesConfiguration => Path.Join(Directory, "registries.conf");

    private string PolicyFile => Path.Join(Directory, "policy.json");

    /// <summary>The digest cached for <paramref name="reference"/> when its manifest is still in the layout, else null.</summary>
    public async Task<string?> TryGetCachedAsync(string reference, CancellationToken cancellationToken)
    {
        var file = Path.Join(RefsDirectory, Key(reference) + ".json");
        if (!File.Exists(file))
        {
            return null;
        }

        try
        {
            var node = JsonNode.Parse(await File.ReadAllTextAsync(file, cancellationToken));
            var digest = node?["digest"]?.GetValue<string>();
            return digest is not null && node?["reference"]?.GetValue<string>() == reference && Contains(digest) ? digest : null;
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or IOException)
        {
            return null;
        }
    }

    /// <summary>True when the layout holds the manifest <paramref name="digest"/> under its <c>d-</c> tag.</summary>
    public bool Contains(string digest) =>
        TryHex(digest) is { } hex
        && File.Exists(BlobPath(hex))
        && Tags().TryGetValue(DigestTag(hex), out var tagged) && tagged == digest;

    /// <summary>Copies <paramref name="reference"/> from its registry into the layout; returns the manifest digest.</summary>
    public async Task<string> PullAsync(string reference, string? registry, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            Validation.SafeStatePath(Layout);
            System.IO.Directory.CreateDirectory(RefsDirectory);
            await WriteRegistriesConfigurationAsync(registry, cancellationToken);
            var key = Key(reference);
            var arguments = new List<string> { "--registries-conf", RegistriesConfiguration };
            if (!File.Exists("/etc/containers/policy.json"))
            {
                // skopeo refuses to run without a trust policy; Debian's default accepts any image, as docker does.
                await File.WriteAllTextAsync(PolicyFile, "{\"default\":[{\"type\":\"insecureAcceptAnything\"}]}\n", cancellationToken);
                arguments.AddRange(["--policy", PolicyFile]);
            }

            arguments.AddRange(["copy", "--quiet", "docker://" + reference, "oci:" + Layout + ":" + RefTag(key)]);
            var copy = await Tool.RunAsync(_options.SkopeoExecutable, arguments, _options.PullTimeout, LxcDriver.ToolMessages, cancellationToken);
            if (!copy.Succeeded)
            {
                throw new RuntimeFailureException(Messages.FormatPullFailed(reference, copy.Detail));
            }

            var digest = Tags().TryGetValue(RefTag(key), out var pulled)
                ? pulled
                : throw new RuntimeFailureException(Messages.FormatPullFailed(reference, Messages.FormatNotInLayout(RefTag(key), Layout)));
            var hex = TryHex(digest) ?? throw new RuntimeFailureException(Messages.FormatPullFailed(reference, digest));
            if (!Tags().ContainsKey(DigestTag(hex)))
            {
                var tag = await Tool.RunAsync(
                    _options.UmociExecutable,
                    ["--log=error", "tag", "--image", Layout + ":" + RefTag(key), DigestTag(hex)],
                    _options.CommandTimeout,
                    LxcDriver.ToolMessages,
                    cancellationToken);
                if (!tag.Succeeded)
                {
                    throw new RuntimeFailureException(Messages.FormatPullFailed(reference, tag.Detail));
                }
            }

            var record = new JsonObject
            {
                ["reference"] = reference,
                ["digest"] = digest,
                ["pulled"] = _options.Time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
            };
            await AtomicFile.WriteTextAsync(Path.Join(RefsDirectory, key + ".json"), record.ToJsonString(Indented), AtomicFile.GroupReadableMode, cancellationToken);
            return digest;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>The run configuration of the image whose manifest is <paramref name="digest"/>.</summary>
    public OciImageConfig ReadConfig(string digest, string reference)
    {
        try
        {
            var hex = TryHex(digest) ?? throw new RuntimeFailureException(Messages.FormatImageNotCached(reference, digest));
            var manifest = JsonNode.Parse(File.ReadAllText(BlobPath(hex)));
            var configDigest = manifest?["config"]?["digest"]?.GetValue<string>();
            var configHex = TryHex(configDigest) ?? throw new RuntimeFailureException(Messages.FormatImageUnreadable(reference, "config.digest"));
            var config = JsonNode.Parse(File.ReadAllText(BlobPath(configHex)))?["config"];
            return new OciImageConfig(
                Strings(config?["Entrypoint"]),
                Strings(config?["Cmd"]),
                Strings(config?["Env"]),
                config?["WorkingDir"]?.GetValue<string>() is { Length: > 0 } cwd ? cwd : "/",
                config?["User"]?.GetValue<string>() ?? "");
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or IOException)
        {
            throw new RuntimeFailureException(Messages.FormatImageUnreadable(reference, exception.Message), exception);
        }
    }

    /// <summary>Unpacks the image <paramref name="digest"/> as an OCI bundle (<c>bundle/rootfs</c>...) with umoci.</summary>
    public async Task UnpackAsync(string digest, string reference, string bundle, CancellationToken cancellationToken)
    {
        var hex = TryHex(digest) ?? throw new RuntimeFailureException(Messages.FormatImageNotCached(reference, digest));
        if (!Contains(digest))
        {
            throw new RuntimeFailureException(Messages.FormatImageNotCached(reference, digest));
        }

        Validation.SafeStatePath(bundle);
        var unpack = await Tool.RunAsync(
            _options.UmociExecutable,
            ["--log=error", "unpack", "--image", Layout + ":" + DigestTag(hex), bundle],
            _options.CommandTimeout,
            LxcDriver.ToolMessages,
            cancellationToken);
        if (!unpack.Succeeded)
        {
            throw new RuntimeFailureException(Messages.FormatUnpackFailed(reference, unpack.Detail));
        }
    }

    /// <summary>
    /// Forgets the manifests no container uses any more and that no reference points to, then lets umoci delete the
    /// blobs nothing references. Best effort: a failure leaves only disk space behind.
    /// </summary>
    public async Task PruneAsync(IReadOnlySet<string> digestsInUse, CancellationToken cancellationToken)
    {
        if (!File.Exists(Path.Join(Layout, "index.json")))
        {
            return;
        }

        await _lock.WaitAsync(cancellationToken);
        try
        {
            var tags = Tags();
            var referenced = tags.Where(t => t.Key.StartsWith("r-", StringComparison.Ordinal)).Select(t => t.Value).ToHashSet(StringComparer.Ordinal);
            var stale = tags
                .Where(t => t.Key.StartsWith("d-", StringComparison.Ordinal) && !digestsInUse.Contains(t.Value) && !referenced.Contains(t.Value))
                .Select(t => t.Key)
                .ToList();
            if (stale.Count == 0)
            {
                return;
            }

            foreach (var tag in stale)
            {
                await Tool.RunAsync(_options.UmociExecutable, ["--log=error", "rmtag", "--image", Layout + ":" + tag], _options.CommandTimeout, LxcDriver.ToolMessages, cancellationToken);
            }

            await Tool.RunAsync(_options.UmociExecutable, ["--log=error", "gc", "--layout", Layout], _options.CommandTimeout, LxcDriver.ToolMessages, cancellationToken);
        }
        catch (RuntimeFailureException)
        {
            // Only disk space is at stake; the next prune tries again.
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>The tags of the layout (annotation <c>org.opencontainers.image.ref.name</c>) and the manifest each names.</summary>
    internal Dictionary<string, string> Tags()
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        var index = Path.Join(Layout, "index.json");
        if (!File.Exists(index))
        {
            return tags;
        }

        try
        {
            var manifests = JsonNode.Parse(File.ReadAllText(index))?["manifests"]?.AsArray() ?? [];
            foreach (var manifest in manifests)
            {
                if (manifest?["annotations"]?[RefAnnotation]?.GetValue<string>() is { } name
                    && manifest["digest"]?.GetValue<string>() is { } digest)
                {
                    tags[name] = digest;
                }
            }
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or IOException)
        {
            // An unreadable index is an empty cache: the next pull rewrites it.
        }

        return tags;
    }

    /// <summary>Declares plain-HTTP registries for skopeo in a file of the root (the system's configuration is not edited).</summary>
    private async Task WriteRegistriesConfigurationAsync(string? registry, CancellationToken cancellationToken)
    {
        var insecure = _options.InsecureRegistries.Where(Validation.IsRegistry).ToList();
        if (registry is not null && Validation.IsLoopbackRegistry(registry))
        {
            insecure.Add(registry);
        }

        var text = new StringBuilder("# Written by Portique for skopeo (lxc image cache): registries reached over plain HTTP.\n");
        text.Append("unqualified-search-registries = [\"docker.io\"]\n");
        foreach (var host in insecure.Distinct(StringComparer.Ordinal))
        {
            // Registry names are [A-Za-z0-9.-] with an optional :port: nothing to escape in a TOML string.
            text.Append("\n[[registry]]\nlocation = \"").Append(host).Append("\"\ninsecure = true\n");
        }

        await AtomicFile.WriteTextAsync(RegistriesConfiguration, text.ToString(), AtomicFile.GroupReadableMode, cancellationToken);
    }

    private string BlobPath(string hex) => Path.Join(Layout, "blobs", "sha256", hex);

    private static string Key(string reference) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(reference)))[..32];

    private static string RefTag(string key) => "r-" + key;

    private static string DigestTag(string hex) => "d-" + hex;

    /// <summary>The 64 hex digits of a <c>sha256:</c> digest, or null when it is anything else.</summary>
    internal static string? TryHex(string? digest) =>
        digest is not null && DigestPattern().Match(digest) is { Success: true } match ? match.Groups[1].Value : null;

    private static List<string> Strings(JsonNode? node) =>
        node is JsonArray array ? array.Select(e => e?.GetValue<string>() ?? "").ToList() : [];

    [GeneratedRegex("^sha256:([0-9a-f]{64})$", RegexOptions.CultureInvariant)]
    private static partial Regex DigestPattern();
}
