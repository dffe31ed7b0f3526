namespace Portique.Core;

/// <summary>Process exit codes, documented in the README and in <c>portique --help</c>.</summary>
public enum ExitCode
{
    /// <summary>Everything asked was done (or, for <c>plan</c>, nothing would change).</summary>
    Success = 0,

    /// <summary>A runtime failure: an engine, a pull, a build, a hook, nginx... The previous state keeps serving.</summary>
    RuntimeFailure = 1,

    /// <summary>Invalid input or configuration; nothing was changed.</summary>
    InvalidInput = 2,

    /// <summary><c>plan</c> only: changes are pending.</summary>
    ChangesPending = 3,
}
