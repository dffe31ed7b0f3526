using Docker.DotNet.Models;

namespace Portique.Technologies.Docker;

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

/// <summary>A build's output: each line forwarded, the last ones kept for the error message, the first error kept.</summary>
internal sealed class BuildProgress(IProgress<string> output) : IProgress<JSONMessage>
{
    private const int Kept = 20;
    private readonly Queue<string> _last = new();

    public string? Error { get; private set; }

    public IReadOnlyCollection<string> LastLines => _last;

    public void Report(JSONMessage value)
    {
        if (value is null)
        {
            return;
        }

        if (value.Error?.Message is { Length: > 0 } error)
        {
            Error ??= error.Trim();
            return;
        }

        var text = value.Stream ?? value.Status;
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        foreach (var line in text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0))
        {
            _last.Enqueue(line);
            if (_last.Count > Kept)
            {
                _last.Dequeue();
            }

            output.Report(line);
        }
    }
}
