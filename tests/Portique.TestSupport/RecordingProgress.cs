namespace Portique.TestSupport;

/// <summary>An <see cref="IProgress{T}"/> that records each line at once, on the reporting thread (unlike <see cref="Progress{T}"/>).</summary>
public sealed class RecordingProgress : IProgress<string>
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return _lines.ToArray();
            }
        }
    }

    public void Report(string value)
    {
        lock (_lines)
        {
            _lines.Add(value);
        }
    }
}
