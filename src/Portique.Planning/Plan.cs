using System.Text.Json.Nodes;
using Portique.Planning.Resources;

namespace Portique.Planning;

public enum ActionKind
{
    /// <summary>No instance exists: create one.</summary>
    Create,

    /// <summary>An instance exists but its spec differs: replace it (see the reasons).</summary>
    Recreate,

    /// <summary>The instance matches but is stopped: start it.</summary>
    Start,

    /// <summary>The instance is no longer configured: remove it (host data stays).</summary>
    Remove,

    /// <summary>Nothing to do.</summary>
    Keep,
}

/// <summary>What the reconciler will do for one name, and why.</summary>
public sealed record PlannedAction(
    string Name,
    ActionKind Kind,
    IReadOnlyList<string> Reasons,
    ServiceSpec? Desired,
    ObservedService? Observed)
{
    /// <summary>Leftover instances of the same name (set aside by an interrupted run, or in another engine).</summary>
    public IReadOnlyList<ObservedService> Leftovers { get; init; } = [];

    /// <summary>Whether the engine replaces the instance itself, task by task (<see cref="IServiceDriver.UpdatesInPlace"/>), as the plan was made.</summary>
    public bool InPlace { get; init; }

    /// <summary>
    /// How a recreate replaces the instance (what <c>plan</c> shows): by the engine, task by task, when it can; without
    /// interruption only when the spec asks for it and the old instance serves on the private network (one that
    /// publishes its own host ports, a snap's or a swarm service's, would hold them against the frontend); null for
    /// other actions.
    /// </summary>
    public ReplacementOrder? Replacement => Kind != ActionKind.Recreate ? null
        : InPlace ? ReplacementOrder.Rolling
        : Desired?.Replacement == ReplacementOrder.StartFirst && Observed is { IsAside: false, State: InstanceState.Running, Address: not null } ? ReplacementOrder.StartFirst
        : ReplacementOrder.StopFirst;
}

public sealed record Plan(IReadOnlyList<PlannedAction> Actions)
{
    public bool HasChanges => Actions.Any(a => a.Kind != ActionKind.Keep || a.Leftovers.Count > 0);

    /// <summary>
    /// Per technology whose services publish on several machines (a swarm of several nodes), the addresses the frontend
    /// routes to (<see cref="IServiceDriver.ListServingNodesAsync"/>); absent: this host.
    /// </summary>
    public IReadOnlyDictionary<Technology, IReadOnlyList<string>> ServingNodes { get; init; } = new Dictionary<Technology, IReadOnlyList<string>>();
}

/// <summary>
/// The diff of desired against observed state, keyed by service name. Pure: same inputs, same plan.
/// Reasons name the <c>conteneurN_*</c> suffix that changed, old → new, so the administrator recognises them.
/// </summary>
internal static class Planner
{
    public static Plan Diff(DesiredState desired, IReadOnlyList<ObservedService> observed)
    {
        ArgumentNullException.ThrowIfNull(desired);
        ArgumentNullException.ThrowIfNull(observed);

        var byName = observed
            .GroupBy(o => o.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var actions = new List<PlannedAction>();

        foreach (var spec in desired.Services)
        {
            var instances = byName.GetValueOrDefault(spec.Name) ?? [];
            byName.Remove(spec.Name);
            actions.Add(PlanDesired(spec, instances, desired.Routed.GetValueOrDefault(spec.Name)));
        }

        foreach (var (name, instances) in byName.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var primary = PickPrimary(instances, preferred: null);
            actions.Add(new PlannedAction(name, ActionKind.Remove, [Messages.NoLongerConfigured], null, primary)
            {
                Leftovers = instances.Where(i => !ReferenceEquals(i, primary)).ToArray(),
            });
        }

        return new Plan(actions);
    }

    private static PlannedAction PlanDesired(ServiceSpec spec, List<ObservedService> instances, string? routed)
    {
        var primary = PickPrimary(instances, spec.Technology, routed);
        var leftovers = instances.Where(i => !ReferenceEquals(i, primary)).ToArray();
        if (primary is null)
        {
            return new PlannedAction(spec.Name, ActionKind.Create, [Messages.NotDeployedYet], spec, null) { Leftovers = leftovers };
        }

        // Replaced without interruption, an instance lives at either of its two addresses: the one at the other address
        // matches the spec at that address, which is then what is kept (and what the frontend and the name point to).
        if (spec.AlternateAddress is { } alternate && primary.Address == alternate)
        {
            spec = spec.AtAlternateAddress();
        }

        var reasons = DescribeDifferences(spec, primary);
        if (reasons.Count > 0)
        {
            return new PlannedAction(spec.Name, ActionKind.Recreate, reasons, spec, primary) { Leftovers = leftovers };
        }

        return primary.State == InstanceState.Running
            ? new PlannedAction(spec.Name, ActionKind.Keep, [], spec, primary) { Leftovers = leftovers }
            : new PlannedAction(spec.Name, ActionKind.Start, [Messages.Stopped], spec, primary) { Leftovers = leftovers };
    }

    /// <summary>
    /// The live instance to compare with: one not set aside, the one the service's name points to (<paramref name="routed"/>)
    /// when two live (a replacement without interruption interrupted before or after its switch), else preferably of
    /// the desired technology. When only aside instances exist (a crash between set-aside and create), the newest aside
    /// is the candidate, so its spec decides whether it can simply be restored.
    /// </summary>
    private static ObservedService? PickPrimary(List<ObservedService> instances, Technology? preferred, string? routed = null)
    {
        var live = instances.Where(i => !i.IsAside).ToList();
        return (live.Count > 1 && routed is not null ? live.FirstOrDefault(i => i.Address == routed) : null)
            ?? live.FirstOrDefault(i => i.Technology == preferred)
            ?? live.FirstOrDefault()
            ?? instances.FirstOrDefault(i => i.Technology == preferred)
            ?? instances.FirstOrDefault();
    }

    /// <summary>Field-by-field reasons; empty when the instance matches the spec.</summary>
    public static IReadOnlyList<string> DescribeDifferences(ServiceSpec spec, ObservedService observed)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(observed);
        var reasons = new List<string>();
        if (observed.IsAside)
        {
            reasons.Add(Messages.InterruptedReplacement);
        }

        if (observed.Technology != spec.Technology)
        {
            reasons.Add($"type: {observed.Technology.Name} → {spec.Technology.Name}");
            return reasons;
        }

        if (observed.SpecHash == spec.SpecHash())
        {
            return reasons;
        }

        JsonObject? before = null;
        try
        {
            before = observed.SpecJson is null ? null : JsonNode.Parse(observed.SpecJson) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            // An unreadable label is treated like a missing one below.
        }

        if (before is null)
        {
            reasons.Add(Messages.UnreadableSpec);
            return reasons;
        }

        var after = JsonNode.Parse(spec.CanonicalJson())!.AsObject();
        // Both sides' fields: a field at its default is omitted, so one side may lack it.
        foreach (var field in after.Select(f => f.Key).Union(before.Select(f => f.Key)).Order(StringComparer.Ordinal))
        {
            var old = before[field];
            var value = after[field];
            if (JsonNode.DeepEquals(old, value))
            {
                continue;
            }

            // Environment values may hold secrets: name the keys that changed, never the values.
            reasons.Add(SpecSchema.KeysOnly(spec, field)
                ? $"{SpecSchema.Label(spec, field)}: {string.Join(", ", ChangedKeys(old, value))}"
                : $"{SpecSchema.Label(spec, field)}: {Show(old)} → {Show(value)}");
        }

        if (reasons.Count == 0)
        {
            reasons.Add(Messages.HashDiffers);
        }

        return reasons;
    }

    private static IEnumerable<string> ChangedKeys(JsonNode? before, JsonNode? after)
    {
        static HashSet<string> Entries(JsonNode? node) =>
            node is JsonArray array ? array.Select(e => e?.GetValue<string>() ?? "").ToHashSet(StringComparer.Ordinal) : [];
        var old = Entries(before);
        var now = Entries(after);
        return old.Except(now).Concat(now.Except(old))
            .Select(entry => entry.Split('=', 2)[0])
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
    }

    private static string Show(JsonNode? node) => node switch
    {
        null => "(none)",
        JsonValue v when v.TryGetValue<string>(out var s) => s.Length == 0 ? "''" : s,
        _ => node.ToJsonString(),
    };
}
