using Docker.DotNet.Models;

namespace Portique.Technologies.Docker;

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
