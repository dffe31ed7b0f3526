using Portique.Frontend.Nginx;
using Portique.Planning;

namespace Portique.GenConfig.Apply;

/// <summary>One progress line of a run, numbered from 1 (the SSE event id, so a reconnecting page resumes after it).</summary>
public sealed record ApplyEvent(int Sequence, DateTimeOffset Time, EventKind Kind, string? Service, string Message);

/// <summary>How a run ended.</summary>
/// <param name="Succeeded">Every service reached its state and the frontend was updated.</param>
/// <param name="Services">What happened to each service (empty when the run stopped before the services).</param>
/// <param name="Errors">Why the run stopped, when it did (invalid configuration, preflight, hook, engine...).</param>
/// <param name="Warnings">What the run reported without failing.</param>
/// <param name="FrontendAction">What nginx did, when the run got that far.</param>
public sealed record ApplyOutcome(
    bool Succeeded,
    IReadOnlyList<ServiceOutcome> Services,
    IReadOnlyList<string> Errors,
    IReadOnlyList<string> Warnings,
    FrontendAction? FrontendAction,
    DateTimeOffset Finished);

/// <summary>
/// One "Appliquer": its progress log, kept whole so that any page (a second administrator, a reload) replays it from
/// the start and then follows it live, and its outcome.
/// </summary>
/// <summary>A rollback asked from the status page (<c>portique rollback NAME SNAPSHOT [--with-data]</c>).</summary>
public sealed record RollbackRequest(string Service, string Snapshot, bool WithData);

public sealed class ApplyRun : IProgress<ReconcileEvent>
{
    private readonly List<ApplyEvent> _events = [];
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ApplyOutcome? _outcome;

    public ApplyRun(string id, string startedBy, bool refresh, TimeProvider time, RollbackRequest? rollback = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        Id = id;
        StartedBy = startedBy;
        Refresh = refresh;
        Rollback = rollback;
        this._time = time;
        Started = time.GetUtcNow();
    }

    public string Id { get; }

    public string StartedBy { get; }

    public bool Refresh { get; }

    /// <summary>Null for an apply; the rollback this run carries out otherwise.</summary>
    public RollbackRequest? Rollback { get; }

    public DateTimeOffset Started { get; }

    public ApplyOutcome? Outcome
    {
        get
        {
            lock (_gate)
            {
                return _outcome;
            }
        }
    }

    public bool Completed => Outcome is not null;

    public void Report(ReconcileEvent value)
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (_gate)
        {
            if (_outcome is not null)
            {
                return;
            }

            _events.Add(new ApplyEvent(_events.Count + 1, _time.GetUtcNow(), value.Kind, value.Service, value.Message));
            Signal();
        }
    }

    public void Complete(ApplyOutcome result)
    {
        ArgumentNullException.ThrowIfNull(result);
        lock (_gate)
        {
            _outcome ??= result;
            Signal();
        }
    }

    /// <summary>The events after <paramref name="seen"/>, the outcome if the run ended, and a task that completes at the next change.</summary>
    public (IReadOnlyList<ApplyEvent> Events, ApplyOutcome? Outcome, Task Changed) Read(int seen)
    {
        lock (_gate)
        {
            var from = Math.Clamp(seen, 0, _events.Count);
            return (_events.Skip(from).ToArray(), _outcome, _changed.Task);
        }
    }

    private void Signal()
    {
        var previous = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        previous.TrySetResult();
    }
}
