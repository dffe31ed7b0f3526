using Portique.Core;
using Portique.Orchestration;
using Portique.Planning;

namespace Portique.GenConfig.Apply;

/// <summary>
/// One apply at a time in this process: starting while a run is going on attaches to it instead (the second administrator
/// sees the running one). The runner itself also takes the root's reconfigure lock, which keeps out a concurrent
/// <c>portique reconfigure</c> from the command line. The last run is kept for the page to show its outcome.
/// </summary>
public sealed class ApplyCoordinator(IGenConfigBackend backend, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<ApplyCoordinator> logger)
{
    private readonly Lock _gate = new();
    private ApplyRun? _current;

    /// <summary>The running run, else the last one; null before the first.</summary>
    public ApplyRun? Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>The task of the last run started (tests wait on it).</summary>
    public Task Running
    {
        get
        {
            lock (_gate)
            {
                return field;
            }
        }

        private set;
    } = Task.CompletedTask;

    /// <summary>
    /// Starts a run (an apply, or the <paramref name="rollback"/> when given), or returns the one in progress
    /// (<c>Started</c> false): one change to the server at a time.
    /// </summary>
    public (ApplyRun Run, bool Started) StartOrAttach(string user, bool refresh, RollbackRequest? rollback = null)
    {
        lock (_gate)
        {
            if (_current is { Completed: false })
            {
                return (_current, false);
            }

            var run = new ApplyRun(Guid.NewGuid().ToString("N")[..12], user, refresh, time, rollback);
            _current = run;
            Running = Task.Run(() => ExecuteAsync(run));
            return (run, true);
        }
    }

    private async Task ExecuteAsync(ApplyRun run)
    {
        var token = lifetime.ApplicationStopping;
        try
        {
            var report = run.Rollback is { } rollback
                ? await backend.RollbackAsync(rollback.Service, rollback.Snapshot, rollback.WithData, run, token)
                : await backend.ApplyAsync(new ReconfigureOptions { Refresh = run.Refresh }, run, token);
            run.Complete(new ApplyOutcome(
                report.Succeeded,
                report.Services.Outcomes,
                [],
                report.Warnings,
                report.Frontend?.Action,
                time.GetUtcNow()));
        }
        catch (InvalidInputException e)
        {
            run.Complete(Failed(e.Diagnostics.Select(d => d.ToString())));
        }
        catch (PreflightException e)
        {
            run.Complete(Failed(e.Problems.Select(d => d.ToString())));
        }
        catch (PortiqueException e)
        {
            run.Complete(Failed([e.Message]));
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            run.Complete(Failed([Ui.ApplyInterrupted]));
        }
        catch (Exception e)
        {
            logger.LogError(e, "genconfig: the apply run {Run} failed unexpectedly", run.Id);
            run.Complete(Failed([Ui.FormatApplyUnexpected(e.GetType().Name)]));
        }
    }

    private ApplyOutcome Failed(IEnumerable<string> errors) => new(false, [], errors.ToArray(), [], null, time.GetUtcNow());
}
