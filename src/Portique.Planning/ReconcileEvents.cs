namespace Portique.Planning;

public enum EventKind
{
    /// <summary>A step begins (a line on the terminal, a line in the web page).</summary>
    Step,

    /// <summary>Detail while a step runs (pull progress, build output).</summary>
    Detail,

    /// <summary>A service reached its outcome.</summary>
    Done,

    Warning,

    Error,
}

/// <summary>One progress event. <see cref="Service"/> is null for global steps.</summary>
public sealed record ReconcileEvent(EventKind Kind, string? Service, string Message);

/// <summary>What happened to one service.</summary>
public sealed record ServiceOutcome(
    string Name,
    ActionKind Action,
    bool Succeeded,
    string Message,
    IReadOnlyList<string> Reasons,
    IReadOnlyList<string> LogTail);

public sealed record ReconcileResult(IReadOnlyList<ServiceOutcome> Outcomes)
{
    public bool Succeeded => Outcomes.All(o => o.Succeeded);

    public bool ChangedSomething => Outcomes.Any(o => o.Action != ActionKind.Keep);

    /// <summary>Names of services with a live instance after the run: the ones nginx may route to.</summary>
    public IReadOnlyList<string> Serving { get; init; } = [];
}
