using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Portique.Core;

namespace Portique.Planning;

/// <summary>
/// One technology's registration: the technologies it serves (their names are on <see cref="Technology"/>), the driver
/// that runs them, the rules their <c>conteneurN_*</c> values follow and the settings only they have. A module lives in
/// its technology's folder; the composition root lists every module once (<c>TechnologyModules.All</c>).
/// </summary>
public abstract class TechnologyModule
{
    /// <summary>The <c>conteneurN_type</c> values this module runs (the docker module runs docker and docker+git).</summary>
    public abstract IReadOnlyList<Technology> Technologies { get; }

    /// <summary>The driver for one Portique root; its <see cref="IServiceDriver.Technologies"/> are <see cref="Technologies"/>.</summary>
    public abstract IServiceDriver CreateDriver(DriverContext context);

    /// <summary>
    /// What <c>conteneurN_url</c>, <c>_tag</c> and <c>_repository</c> must hold for <paramref name="technology"/>, checked in
    /// this order (the configuration layer owns the patterns and messages of each <see cref="ValueKind"/>).
    /// </summary>
    public abstract IReadOnlyList<ValueRule> Rules(Technology technology);

    /// <summary>Whether host directories may be bound (<c>conteneurN_mountpoint_*</c>): snaps, strictly confined, cannot.</summary>
    public virtual bool AllowsVolumes(Technology technology) => true;

    /// <summary>Whether the driver applies <c>conteneurN_memoire</c> and <c>conteneurN_cpu</c>: snaps have no per-snap limit, a limit is refused.</summary>
    public virtual bool AppliesLimits(Technology technology) => true;

    /// <summary>
    /// Whether the driver gives <see cref="ServiceSpec.Secrets"/> to the service as read-only files (<c>/run/secrets/KEY</c>);
    /// a secret for a technology that cannot is refused by validation, by name (docs/secrets.md).
    /// </summary>
    public virtual bool AllowsSecrets(Technology technology) => false;

    /// <summary>
    /// Whether this technology's driver puts its instances on the root's private network (docs/network.md): gives them
    /// <see cref="ServiceSpec.Address"/> and the root's DNS. With the network on, a service of a technology that does not
    /// join is refused by validation, by name, unless it <see cref="RunsOnHostNetwork"/>.
    /// </summary>
    public virtual bool JoinsPrivateNetwork(Technology technology) => false;

    /// <summary>
    /// Whether the technology's instances share the host's network namespace and cannot be moved off it (snap: strict
    /// confinement). With the private network on, such a service gets no address and is not refused: it publishes its
    /// own <c>port_out</c>, nginx routes <c>/name/</c> to <c>127.0.0.1:port_out</c>, and the root's DNS answers its name
    /// with the bridge's gateway, where the other services reach it at <c>port_out</c> (docs/network.md).
    /// </summary>
    public virtual bool RunsOnHostNetwork(Technology technology) => false;

    /// <summary>
    /// Whether a new instance can start beside the old one on the private network, under a second name and address, so
    /// a replacement never interrupts the service (<see cref="ReplacementOrder.StartFirst"/>); its driver then implements
    /// <see cref="IServiceDriver.CreateBesideAsync"/>.
    /// </summary>
    public virtual bool ReplacesWithoutInterruption(Technology technology) => false;

    /// <summary>
    /// Whether the technology's instances take their private address by DHCP (virtual machines): the root's dnsmasq
    /// then reserves it for the MAC <see cref="Core.PrivateNetwork.GuestHardware"/> gives the service's name.
    /// </summary>
    public virtual bool TakesAddressByDhcp(Technology technology) => false;

    /// <summary>
    /// The <c>conteneurN_SUFFIX</c> variables only this technology reads (swarm: <c>contraintes</c>): a value given to a
    /// service of another technology is refused by validation, naming the variable and the technologies that read it.
    /// </summary>
    public virtual IReadOnlyList<string> OwnVariables(Technology technology) => [];

    /// <summary>
    /// The settings only this technology has, read from <c>conteneurN_*</c> (swarm: <c>replicas</c>). The default keeps a
    /// <c>conteneurN_replicas</c> other than 1, which released versions put in the hash of every technology, so that an
    /// upgrade does not recreate such a container (see <see cref="UnusedReplicas"/>).
    /// </summary>
    public virtual TechnologySettings? ReadSettings(Technology technology, ISettingsSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var replicas = source.Replicas();
        return replicas == 1 ? null : new UnusedReplicas { Replicas = replicas };
    }
}

/// <summary>What a driver factory receives.</summary>
/// <param name="ReadOnly">For the verbs that only look: nothing may be written under the root.</param>
public sealed record DriverContext(PortiqueRoot Root, bool ReadOnly);

/// <summary>Where a module reads its settings: one service's <c>conteneurN_*</c> variables.</summary>
public interface ISettingsSource
{
    /// <summary>The trimmed value of <c>conteneurN_SUFFIX</c>, null when empty or disabled.</summary>
    string? Text(string suffix);

    /// <summary>The integer value of <c>conteneurN_SUFFIX</c>, null when empty or not a number.</summary>
    long? Number(string suffix);

    /// <summary>The trimmed, non-empty values of the multi variable <c>conteneurN_SUFFIX</c>; empty when none or disabled.</summary>
    IReadOnlyList<string> Texts(string suffix) => Text(suffix) is { } text ? [text] : [];

    /// <summary>The root's private network when it is on and usable (<c>activer_reseau_conteneurs</c>), else null.</summary>
    PrivateNetwork? Network => null;

    /// <summary>The trimmed value of a root-level variable (not <c>conteneurN_</c>), null when empty or disabled.</summary>
    string? Root(string variable) => null;
}

public static class SettingsSourceExtensions
{
    /// <summary><c>conteneurN_replicas</c>, at least 1 (the dictionaries check 1..100).</summary>
    public static int Replicas(this ISettingsSource source) =>
        (int)Math.Clamp(source?.Number("replicas") ?? 1, 1, int.MaxValue);
}

/// <summary>The value kinds a <see cref="ValueRule"/> checks; each is one pattern and one message.</summary>
public enum ValueKind
{
    ImageName,
    ImageTag,
    Registry,
    GitUrl,
    GitRef,
    DiskImage,
    HttpUrl,
    SnapName,
    SnapChannel,
}

/// <summary>The <c>conteneurN_*</c> value a rule is about.</summary>
public enum RuleField
{
    Url,
    Tag,
    Repository,
}

/// <summary>How a value must be present.</summary>
public enum Presence
{
    /// <summary>Empty is an error.</summary>
    Required,

    /// <summary>Empty is fine; a value is checked.</summary>
    Optional,

    /// <summary>Empty takes <see cref="ValueRule.Default"/>, then the value is checked.</summary>
    Defaulted,

    /// <summary>Ignored by the technology: a value is an error (it would land in generated files).</summary>
    NotUsed,
}

/// <summary>One value rule of a technology: the field, how present it must be, and what it must look like.</summary>
public sealed record ValueRule(RuleField Field, Presence Presence, ValueKind Kind, string? Default = null)
{
    public static ValueRule Required(RuleField field, ValueKind kind) => new(field, Presence.Required, kind);

    public static ValueRule Optional(RuleField field, ValueKind kind) => new(field, Presence.Optional, kind);

    public static ValueRule Defaulted(RuleField field, ValueKind kind, string value) => new(field, Presence.Defaulted, kind, value);

    public static ValueRule NotUsed(RuleField field) => new(field, Presence.NotUsed, default);

    /// <summary>An OCI image: its name, its tag (<c>latest</c> by default), an optional registry. For every engine that runs images.</summary>
    public static IReadOnlyList<ValueRule> OciImage { get; } =
    [
        Required(RuleField.Url, ValueKind.ImageName),
        Defaulted(RuleField.Tag, ValueKind.ImageTag, "latest"),
        Optional(RuleField.Repository, ValueKind.Registry),
    ];
}

/// <summary>
/// <c>conteneurN_replicas</c> set on a technology that does not use it. Released versions wrote <c>replicas</c> into the
/// canonical form of every technology; keeping the value keeps such a container's stored hash, so an upgrade does not
/// recreate it. Only a value other than 1 is kept (1 is what <see cref="SpecDocument"/> writes anyway).
/// </summary>
internal sealed record UnusedReplicas : TechnologySettings
{
    [JsonPropertyName("replicas")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public int Replicas { get; init; } = 1;

    [JsonIgnore]
    public override JsonTypeInfo Contract => PlanningSettingsJsonContext.Default.UnusedReplicas;
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
[JsonSerializable(typeof(UnusedReplicas))]
internal sealed partial class PlanningSettingsJsonContext : JsonSerializerContext;
