using Docker.DotNet.Models;

namespace Portique.Technologies.Shared;

/// <summary>
/// Reads a pull's JSON messages as they come (synchronously: <see cref="Progress{T}"/> would post them later, after
/// the pull returned). Keeps the first error; forwards one line per layer and per state change, never the byte counts.
/// </summary>
internal sealed class PullProgress(string reference, IProgress<string> output) : IProgress<JSONMessage>
{
    private static readonly string[] Chatty = ["Downloading", "Extracting", "Waiting", "Verifying Checksum", "Pushing", "Preparing"];
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    public string? Error { get; private set; }

    public void Report(JSONMessage value)
    {
        if (value is null)
        {
            return;
        }

        if (value.Error?.Message is { Length: > 0 } error)
        {
            Error ??= error;
            return;
        }

        var status = value.Status?.Trim();
        if (string.IsNullOrEmpty(status) || value.Progress is { Total: > 0 } || Chatty.Any(c => status.StartsWith(c, StringComparison.Ordinal)))
        {
            return;
        }

        var line = string.IsNullOrEmpty(value.ID) || value.ID == reference || reference.EndsWith(":" + value.ID, StringComparison.Ordinal)
            ? $"{reference}: {status}"
            : $"{reference}: {value.ID}: {status}";
        if (_seen.Add(line))
        {
            output.Report(line);
        }
    }
}
