using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Portique.Core;
using Portique.Technologies.Shared;

namespace Portique.Technologies.Qemu;

/// <summary>
/// Base disk images, downloaded once per (tag, file name) from <c>REPOSITORY/URL</c> into
/// <c>images/TAG/URL</c>, checked and made read-only. A version is immutable: to get a new image, change the tag.
/// </summary>
internal sealed partial class DiskImageCache(QemuLayout layout, QemuDriverOptions options, HttpClient http)
{
    private const UnixFileMode ReadOnlyMode = UnixFileMode.UserRead | UnixFileMode.GroupRead;

    /// <summary>One download at a time per cached image: services sharing an image (fetched in parallel) wait for the first.</summary>
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);

    /// <summary>The metadata of a complete download, or null.</summary>
    public async Task<ImageMetadata?> FindAsync(string tag, string url, CancellationToken cancellationToken)
    {
        var image = layout.ImagePath(tag, url);
        var metadataPath = QemuLayout.ImageMetadataPath(image);
        if (!File.Exists(image) || !File.Exists(metadataPath))
        {
            return null;
        }

        try
        {
            await using var stream = File.OpenRead(metadataPath);
            var metadata = await JsonSerializer.DeserializeAsync(stream, QemuJsonContext.Default.ImageMetadata, cancellationToken);
            return metadata is not null && Sha256Hex().IsMatch(metadata.Sha256) && metadata.Format is "qcow2" or "raw" ? metadata : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// The cached image for (tag, url), downloading it first when absent. A cached image that came from another
    /// repository is accepted only when a fresh download from the new one is byte-identical.
    /// </summary>
    public async Task<ImageMetadata> EnsureAsync(string repository, string tag, string url, IProgress<string> progress, CancellationToken cancellationToken)
    {
        var source = SourceUrl(repository, url);
        var image = layout.ImagePath(tag, url);
        var gate = _gates.GetOrAdd(image, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            var present = await FindAsync(tag, url, cancellationToken);
            if (present is not null && present.Source == source.AbsoluteUri)
            {
                return present;
            }

            HostDirectory.CreateMissing(Path.GetDirectoryName(image)!);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(options.DownloadTimeout);
            try
            {
                return await DownloadAsync(source, image, tag, url, present, progress, limit.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new RuntimeFailureException(Messages.FormatDownloadFailed(source, Messages.FormatTimedOut(options.DownloadTimeout.TotalSeconds)));
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary><c>REPOSITORY/URL</c>: an absolute http(s) URL; anything else is refused.</summary>
    public static Uri SourceUrl(string repository, string url)
    {
        if (!Uri.TryCreate(repository.TrimEnd('/') + "/" + url, UriKind.Absolute, out var source)
            || source.Scheme is not ("http" or "https")
            || !string.IsNullOrEmpty(source.Query) || !string.IsNullOrEmpty(source.Fragment))
        {
            throw new RuntimeFailureException(Messages.FormatBadRepository(repository));
        }

        return source;
    }

    private async Task<ImageMetadata> DownloadAsync(
        Uri source, string image, string tag, string url, ImageMetadata? present, IProgress<string> progress, CancellationToken cancellationToken)
    {
        var (expected, verifiedBy) = await ExpectedChecksumAsync(source, url, cancellationToken);
        progress.Report(Messages.FormatDownloading(source));
        var partial = Path.Join(Path.GetDirectoryName(image)!, "." + url + ".part-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            string actual;
            using (var response = await GetAsync(source, cancellationToken))
            {
                if (!response.IsSuccessStatusCode)
                {
                    throw new RuntimeFailureException(Messages.FormatDownloadFailed(source, Status(response)));
                }

                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                await using var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous);
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var buffer = new byte[81920];
                int read;
                while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }

                actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            }

            if (expected is not null && !string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase))
            {
                throw new RuntimeFailureException(Messages.FormatChecksumMismatch(source, verifiedBy, expected, actual));
            }

            progress.Report(expected is null ? Messages.FormatNoChecksumPublished(source) : Messages.FormatChecksumVerified(source, verifiedBy));
            if (present is not null)
            {
                // Same tag and name from another repository: fine if it is the same image, never a silent swap.
                if (present.Sha256 != actual)
                {
                    throw new RuntimeFailureException(Messages.FormatTagConflict(url, tag, present.Source, source));
                }

                var moved = present with { Source = source.AbsoluteUri };
                await WriteMetadataAsync(image, moved, cancellationToken);
                return moved;
            }

            var format = await CheckFormatAsync(partial, url, source, cancellationToken);
            File.SetUnixFileMode(partial, ReadOnlyMode);
            File.Move(partial, image, overwrite: true);
            var metadata = new ImageMetadata
            {
                Sha256 = actual,
                Format = format,
                Source = source.AbsoluteUri,
                VerifiedBy = expected is null ? null : verifiedBy,
                DownloadedAt = DateTimeOffset.UtcNow,
            };
            await WriteMetadataAsync(image, metadata, cancellationToken);
            progress.Report(Messages.FormatDownloaded(url, tag, format, actual[..12]));
            return metadata;
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException or UnauthorizedAccessException)
        {
            throw new RuntimeFailureException(Messages.FormatDownloadFailed(source, Describe(exception)), exception);
        }
        finally
        {
            File.Delete(partial);
        }
    }

    /// <summary>
    /// The checksum the server publishes: <c>URL.sha256</c> (its first word), else the line of <c>SHA256SUMS</c> naming
    /// the file; (null, null) when it publishes neither (404). Any other answer fails: a checksum the server meant to
    /// give but could not is not skipped.
    /// </summary>
    private async Task<(string? Expected, string? VerifiedBy)> ExpectedChecksumAsync(Uri source, string url, CancellationToken cancellationToken)
    {
        var single = new Uri(source.AbsoluteUri + ".sha256");
        var text = await GetOptionalTextAsync(single, cancellationToken);
        if (text is not null)
        {
            var first = text.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
            return Sha256Hex().IsMatch(first)
                ? (first.ToLowerInvariant(), url + ".sha256")
                : throw new RuntimeFailureException(Messages.FormatChecksumUnreadable(single));
        }

        var list = new Uri(source, "SHA256SUMS");
        text = await GetOptionalTextAsync(list, cancellationToken);
        if (text is null)
        {
            return (null, null);
        }

        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var match = SumsLine().Match(line);
            if (match.Success && match.Groups["name"].Value == url)
            {
                return (match.Groups["hash"].Value.ToLowerInvariant(), "SHA256SUMS");
            }
        }

        // A list that does not name the file says nothing about it.
        return (null, null);
    }

    private async Task<string?> GetOptionalTextAsync(Uri address, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await GetAsync(address, cancellationToken);
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone)
            {
                return null;
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new RuntimeFailureException(Messages.FormatDownloadFailed(address, Status(response)));
            }

            var length = response.Content.Headers.ContentLength;
            if (length > 1024 * 1024)
            {
                throw new RuntimeFailureException(Messages.FormatChecksumUnreadable(address));
            }

            return await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (HttpRequestException exception)
        {
            throw new RuntimeFailureException(Messages.FormatDownloadFailed(address, Describe(exception)), exception);
        }
    }

    private Task<HttpResponseMessage> GetAsync(Uri address, CancellationToken cancellationToken) =>
        http.GetAsync(address, HttpCompletionOption.ResponseHeadersRead, cancellationToken);

    /// <summary>
    /// The format qemu-img finds, which must match the name: <c>.qcow2</c> must be qcow2, <c>.raw</c> is raw, <c>.img</c>
    /// either. A qcow2 image may not point at a backing or data file: a downloaded image must not read host files.
    /// </summary>
    private async Task<string> CheckFormatAsync(string path, string url, Uri source, CancellationToken cancellationToken)
    {
        if (url.EndsWith(".raw", StringComparison.Ordinal))
        {
            return "raw";
        }

        var result = await RunImgAsync(["info", "--output=json", "--", path], cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new RuntimeFailureException(Messages.FormatImageUnreadable(source, LastLines(result.StandardError)));
        }

        using var info = JsonDocument.Parse(result.StandardOutput);
        var root = info.RootElement;
        var format = root.TryGetProperty("format", out var f) ? f.GetString() : null;
        if (format is not ("qcow2" or "raw") || (url.EndsWith(".qcow2", StringComparison.Ordinal) && format != "qcow2"))
        {
            throw new RuntimeFailureException(Messages.FormatImageFormatRefused(source, format ?? "?"));
        }

        if (root.TryGetProperty("backing-filename", out _) || root.TryGetProperty("full-backing-filename", out _)
            || (root.TryGetProperty("format-specific", out var specific) && specific.TryGetProperty("data", out var data)
                && data.TryGetProperty("data-file", out _)))
        {
            throw new RuntimeFailureException(Messages.FormatImageHasBackingFile(source));
        }

        return format;
    }

    private Task<ToolResult> RunImgAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        Tool.RunAsync(options.QemuImgExecutable, arguments, options.ToolTimeout, QemuDriver.ToolMessages(options.QemuImgExecutable, "qemu-utils", options.ToolTimeout), cancellationToken);

    private static async Task WriteMetadataAsync(string image, ImageMetadata metadata, CancellationToken cancellationToken)
    {
        await AtomicFile.WriteTextAsync(QemuLayout.ImageMetadataPath(image), JsonSerializer.Serialize(metadata, QemuJsonContext.Default.ImageMetadata), AtomicFile.PublicMode, cancellationToken);
    }

    private static string Status(HttpResponseMessage response) =>
        string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");

    internal static string LastLines(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "?" : string.Join(" / ", lines.TakeLast(3));
    }

    internal static string Describe(Exception exception)
    {
        var messages = new List<string>();
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (!string.IsNullOrWhiteSpace(current.Message) && !messages.Contains(current.Message))
            {
                messages.Add(current.Message);
            }
        }

        return string.Join(": ", messages);
    }

    [GeneratedRegex("^[0-9a-fA-F]{64}$", RegexOptions.CultureInvariant)]
    private static partial Regex Sha256Hex();

    [GeneratedRegex(@"^(?<hash>[0-9a-fA-F]{64})\s+[*]?(?:\./)?(?<name>\S+)$", RegexOptions.CultureInvariant)]
    private static partial Regex SumsLine();
}
