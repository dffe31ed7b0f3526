using Portique.Core;

namespace Portique.Planning;

/// <summary>
/// The timings of one engine, read by <see cref="ServiceLifecycle"/>. Each driver's options derive from it, with that
/// engine's defaults: the values differ between engines (a VM boots slower than a container), the logic that uses
/// them does not.
/// </summary>
public record LifecycleOptions
{
    /// <summary>The longest <see cref="ServiceLifecycle.WaitForHealthAsync"/> waits for a just-started instance to settle.</summary>
    public TimeSpan HealthTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long an instance without a health check must stay up, without restarting, before it is called running:
    /// a command that crashes at once must not pass because its engine restarted it.
    /// </summary>
    public TimeSpan StartupGrace { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the instance is looked at while waiting.</summary>
    public TimeSpan HealthPollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a stop waits for the service to exit before the engine kills it, unless its spec says otherwise.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The stop timeout of <paramref name="instance"/>: its recorded spec's <c>conteneurN_delai_arret</c>, else <see cref="StopTimeout"/>.</summary>
    public TimeSpan StopTimeoutOf(ObservedService instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return SpecSchema.TryParse(instance.SpecJson, instance.Name, 0)?.StopTimeoutSeconds is int seconds
            ? TimeSpan.FromSeconds(seconds)
            : StopTimeout;
    }

    /// <summary>Lines of history <c>portique logs --follow</c> shows before following.</summary>
    public int FollowInitialLines { get; init; } = 100;

    /// <summary>How often <c>portique logs --follow</c> looks for new output in a log file (engines that write files).</summary>
    public TimeSpan FollowPollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The clock the driver reads (creation and aside times, its deadlines): a fake one in tests.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}

/// <summary>
/// One look at an instance, as its engine reports it (the engine's own words, nothing waited for).
/// Anchors: Aspire's resource snapshot (state, start time, health), testcontainers' <c>IWaitUntil</c> conditions.
/// </summary>
/// <param name="Health">
/// Running (no health check), Starting (health check not passed yet, or not up yet), Healthy, Unhealthy, or NotRunning
/// (exited, crashed, disabled).
/// </param>
public sealed record InstanceObservation(EngineHealth Health)
{
    /// <summary>
    /// What identifies the current run (a start time, an init pid, the running tasks...): another value on the next
    /// look means the instance restarted in between. Null when the engine has none.
    /// </summary>
    public string? StartedAt { get; init; }

    /// <summary>How many times the engine restarted the instance (0 when it does not restart or count).</summary>
    public long RestartCount { get; init; }

    /// <summary>False while fewer replicas run than wanted: Healthy and Running are final only once it is true.</summary>
    public bool Complete { get; init; } = true;
}

/// <summary>How a wait for a just-started instance ended: its health, and whether its answering port made it ready.</summary>
/// <param name="Health">As <see cref="ServiceLifecycle.WaitForHealthAsync(IServiceDriver, ObservedService, TimeProvider, CancellationToken)"/> says.</param>
/// <param name="Answered">True when Running came from the port answering in a first run, before the grace period ended.</param>
public readonly record struct Readiness(EngineHealth Health, bool Answered);

/// <summary>
/// The instance a driver was asked about does not exist (any more). The one "missing" error of every driver: the
/// message names the instance and the root in the driver's words.
/// </summary>
public sealed class InstanceMissingException(string message) : RuntimeFailureException(message);

/// <summary>
/// The lifecycle, written once for every engine over the primitives of <see cref="IServiceDriver"/>, on
/// <see cref="TimeProvider"/>: waiting for health (settled states, grace period without restart, deadline), the health
/// now, setting an instance aside and restoring it, the aside name. Reading and following logs: <see cref="ServiceLogs"/>.
/// </summary>
public static class ServiceLifecycle
{
    /// <summary>What an instance set aside during a replacement has after its service's name (the one aside-name rule).</summary>
    public const string AsideSuffix = ".portique-aside";

    /// <summary>What a new instance started beside the old one has after its service's name, while the old one holds the name.</summary>
    public const string NextSuffix = ".portique-next";

    /// <summary>The engine name of <paramref name="name"/>'s new instance started beside the one holding the name.</summary>
    public static string NextName(string name) => name + NextSuffix;

    /// <summary>True when <paramref name="instanceName"/> is a next name; <paramref name="name"/> is then the service's.</summary>
    public static bool IsNextName(string instanceName, out string name) => EndsWith(instanceName, NextSuffix, out name);

    /// <summary>The service an instance name belongs to: <paramref name="instanceName"/> itself, or what a next name was made from.</summary>
    public static string ServiceNameOf(string instanceName) => IsNextName(instanceName, out var name) ? name : instanceName;

    /// <summary>The name of <paramref name="name"/>'s instance while it is set aside.</summary>
    public static string AsideName(string name) => name + AsideSuffix;

    /// <summary>True when <paramref name="instanceName"/> is an aside name; <paramref name="name"/> is then the service's.</summary>
    public static bool IsAsideName(string instanceName, out string name) => EndsWith(instanceName, AsideSuffix, out name);

    /// <summary>True when <paramref name="instanceName"/> ends with <paramref name="suffix"/>; <paramref name="name"/> is what comes before it.</summary>
    private static bool EndsWith(string instanceName, string suffix, out string name)
    {
        ArgumentNullException.ThrowIfNull(instanceName);
        var has = instanceName.EndsWith(suffix, StringComparison.Ordinal);
        name = has ? instanceName[..^suffix.Length] : instanceName;
        return has;
    }

    /// <inheritdoc cref="WaitForHealthAsync(IServiceDriver, ObservedService, TimeProvider, CancellationToken)"/>
    public static Task<EngineHealth> WaitForHealthAsync(this IServiceDriver driver, ObservedService instance, CancellationToken cancellationToken) =>
        driver.WaitForHealthAsync(instance, TimeProvider.System, cancellationToken);

    /// <summary>
    /// Waits, at most <see cref="LifecycleOptions.HealthTimeout"/>, for a just-started instance to settle: Healthy,
    /// Unhealthy or NotRunning as soon as seen (Healthy once every wanted replica is); Running only once it stayed up
    /// without restarting for <see cref="LifecycleOptions.StartupGrace"/>. At the deadline: Starting when it never
    /// settled (a restart during every grace period included), else the last health seen. A missing instance is
    /// NotRunning. A published port alone proves nothing: docker-proxy accepts connections for a dead container.
    /// </summary>
    public static async Task<EngineHealth> WaitForHealthAsync(
        this IServiceDriver driver, ObservedService instance, TimeProvider time, CancellationToken cancellationToken) =>
        (await driver.WaitUntilReadyAsync(instance, time, answers: null, limit: null, cancellationToken)).Health;

    /// <summary>
    /// <see cref="WaitForHealthAsync(IServiceDriver, ObservedService, TimeProvider, CancellationToken)"/>, and with
    /// <paramref name="answers"/> (a check that the instance's port answers, as a listening service does), Running also
    /// as soon as the engine reports it up, never restarted, every wanted replica there, its port answers and a second
    /// look finds the same run: a readiness check, for an instance no previous version depends on. Without a health
    /// check in the image and without <paramref name="answers"/>, only the grace period says Running.
    /// <paramref name="limit"/>: the service's own start deadline (<c>conteneurN_delai_demarrage</c>), else the
    /// engine's <see cref="LifecycleOptions.HealthTimeout"/>.
    /// </summary>
    public static async Task<Readiness> WaitUntilReadyAsync(
        this IServiceDriver driver,
        ObservedService instance,
        TimeProvider time,
        Func<CancellationToken, Task<bool>>? answers,
        TimeSpan? limit,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(driver);
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(time);
        if (instance.IsAside)
        {
            return new Readiness(EngineHealth.NotRunning, false);
        }

        var options = driver.Lifecycle;
        var deadline = time.GetUtcNow() + (limit ?? options.HealthTimeout);
        (string? StartedAt, long Restarts, DateTimeOffset Since)? up = null;
        while (true)
        {
            InstanceObservation seen;
            try
            {
                seen = await driver.ObserveAsync(instance, cancellationToken);
            }
            catch (InstanceMissingException)
            {
                return new Readiness(EngineHealth.NotRunning, false);
            }

            var now = time.GetUtcNow();
            switch (seen.Health)
            {
                case EngineHealth.Unhealthy or EngineHealth.NotRunning:
                    return new Readiness(seen.Health, false);
                case EngineHealth.Healthy when seen.Complete:
                    return new Readiness(EngineHealth.Healthy, false);
                case EngineHealth.Running:
                    if (up is not { } run || run.StartedAt != seen.StartedAt || run.Restarts != seen.RestartCount)
                    {
                        up = (seen.StartedAt, seen.RestartCount, now);
                    }
                    else if (seen.Complete && now - run.Since >= options.StartupGrace)
                    {
                        return new Readiness(EngineHealth.Running, false);
                    }

                    if (answers is not null && await AnswersInTheSameRunAsync(driver, instance, seen, answers, cancellationToken))
                    {
                        return new Readiness(EngineHealth.Running, true);
                    }

                    break;
                default:
                    // Up means up at every look: the grace period starts again from the next Running.
                    up = null;
                    break;
            }

            if (now >= deadline)
            {
                return new Readiness(seen.Health is EngineHealth.Running or EngineHealth.Healthy ? EngineHealth.Starting : seen.Health, false);
            }

            await Task.Delay(options.HealthPollInterval, time, cancellationToken);
        }
    }

    /// <summary>
    /// True when <paramref name="seen"/> is a first, complete run, its port answers, and the engine still reports that
    /// very run afterwards: an instance that answered and then crashed, or was restarted meanwhile, is not ready.
    /// </summary>
    private static async Task<bool> AnswersInTheSameRunAsync(
        IServiceDriver driver, ObservedService instance, InstanceObservation seen, Func<CancellationToken, Task<bool>> answers, CancellationToken cancellationToken)
    {
        if (!seen.Complete || seen.RestartCount != 0 || !await answers(cancellationToken))
        {
            return false;
        }

        try
        {
            var again = await driver.ObserveAsync(instance, cancellationToken);
            return again is { Health: EngineHealth.Running, Complete: true, RestartCount: 0 } && again.StartedAt == seen.StartedAt;
        }
        catch (InstanceMissingException)
        {
            return false;
        }
    }

    /// <summary>The health now, without waiting: NotRunning for a missing or set-aside instance.</summary>
    public static async Task<EngineHealth> CheckHealthAsync(this IServiceDriver driver, ObservedService instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(driver);
        ArgumentNullException.ThrowIfNull(instance);
        if (instance.IsAside)
        {
            return EngineHealth.NotRunning;
        }

        try
        {
            return (await driver.ObserveAsync(instance, cancellationToken)).Health;
        }
        catch (InstanceMissingException)
        {
            return EngineHealth.NotRunning;
        }
    }

    /// <summary>
    /// Stops the instance, then gives it its aside name so the service's name is free; returns the aside instance.
    /// Stop first (the name still says what it is), then rename: a crash between the two leaves a stopped instance
    /// under its own name; a crash after leaves an aside one. Both read back correctly. When the rename fails, the
    /// instance is started again (what ran before still runs) and the failure goes on. An aside instance is returned as is.
    /// </summary>
    public static async Task<ObservedService> SetAsideAsync(this IServiceDriver driver, ObservedService instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(driver);
        ArgumentNullException.ThrowIfNull(instance);
        if (instance.IsAside)
        {
            return instance;
        }

        await driver.StopAsync(instance, cancellationToken);
        try
        {
            return await driver.RenameAsync(instance, aside: true, cancellationToken);
        }
        catch (PortiqueException) when (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await driver.StartAsync(instance, cancellationToken);
            }
            catch (PortiqueException)
            {
                // The rename failure is what the administrator needs to read; the next run starts it.
            }

            throw;
        }
    }

    /// <summary>
    /// Gives an aside instance its service's name back and starts it (rollback, or recovery after a crash); returns it
    /// running. The name must be free: the instance that holds it goes first.
    /// </summary>
    public static async Task<ObservedService> RestoreAsync(this IServiceDriver driver, ObservedService aside, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(driver);
        ArgumentNullException.ThrowIfNull(aside);
        var named = await driver.RenameAsync(aside, aside: false, cancellationToken);
        if (named.State != InstanceState.Running)
        {
            await driver.StartAsync(named, cancellationToken);
        }

        return named with { State = InstanceState.Running };
    }
}
