namespace Portique.Planning;

/// <summary>
/// Which technologies a root has ever created instances with. The reconciler asks only those engines (and the ones
/// the configuration needs) what they own: an engine never used by this root owns nothing of it.
/// </summary>
public interface IEngineLedger
{
    /// <summary>Null when unknown (a root older than its ledger): then every engine is asked.</summary>
    IReadOnlySet<Technology>? UsedTechnologies();

    /// <summary>Recorded before the engine creates anything, so a crash never hides an instance.</summary>
    void MarkUsed(Technology technology);

    /// <summary>Starts a ledger that was unknown from what every engine reported owning (possibly nothing).</summary>
    void Initialize(IEnumerable<Technology> owned);
}
