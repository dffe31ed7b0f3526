using System.Text.RegularExpressions;
using Portique.Configuration;
using Portique.Core;
using Portique.Orchestration.Resources;
using Portique.Planning;
using Portique.Technologies.Docker;
using Portique.Technologies.Shared;
using Portique.Technologies.Swarm;

namespace Portique.Orchestration;

/// <summary>
/// Turns an evaluated configuration into the desired state, checking what no single variable's type can:
/// unique names, unique host ports and directories, rows that pair up, and every value that will reach a
/// command line or an engine (image names, tags, registries, git URLs and refs). Pure; reports all problems.
/// </summary>
public static partial class DesiredStateBuilder
{
    public const string CountVariable = "nombre_conteneur";

    /// <summary><c>conteneurN_delai_arret</c>'s default, the engines' own stop timeout.</summary>
    private const long DefaultStopTimeoutSeconds = 10;

    /// <summary><c>conteneurN_delai_vidange</c>'s default, <see cref="ReconcilerOptions.DrainPeriod"/>'s.</summary>
    private const long DefaultDrainSeconds = 5;
    /// <summary><c>oui</c>: every service gets an address on the root's private network (docs/network.md).</summary>
    public const string EnableNetworkVariable = "activer_reseau_conteneurs";

    /// <summary>The root's private network, CIDR.</summary>
    public const string NetworkVariable = "reseau_conteneurs";

    /// <summary>The block of swarm's tasks, on a second bridge of the root (docs/network.md).</summary>
    public const string SwarmNetworkVariable = SwarmModule.SwarmNetworkVariable;

    /// <summary>Dictionaries that declare each container by hand never declare more than this.</summary>
    private const int MaxUnrepeatedCount = 1000;

    public static (DesiredState State, IReadOnlyList<Diagnostic> Problems) Build(EvaluatedConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var problems = new List<Diagnostic>();
        var services = new List<ServiceSpec>();
        // The repeated dictionaries already bound the count (an out-of-range one enables nothing and is reported once);
        // dictionaries without repetition name their containers one by one: never loop past what they can declare.
        var count = configuration.Repetitions.FirstOrDefault(r => r.Repetition.CountVariable == CountVariable)?.Count
            ?? (int)Math.Clamp(Number(configuration, CountVariable) ?? 0, 0, MaxUnrepeatedCount);
        var publishAddress = Text(configuration, "conteneur_ip_publication") ?? "0.0.0.0";
        var network = ReadNetwork(configuration, problems);

        for (var n = 1; n <= count; n++)
        {
            var spec = BuildService(configuration, n, publishAddress, network, problems);
            if (spec is not null)
            {
                services.Add(spec);
            }
        }

        CheckUnique(services, problems, configuration);
        var swarmBlock = network is not null && services.Any(s => s.Technology == SwarmModule.Swarm)
            ? ReadSwarmBlock(configuration, network, problems)
            : null;
        return (new DesiredState(services) { Network = network?.Cidr, SwarmNetwork = swarmBlock?.Cidr }, problems);
    }

    /// <summary>The root's private network when <c>activer_reseau_conteneurs</c> is <c>oui</c> and it is usable, else null (docs/network.md).</summary>
    private static PrivateNetwork? ReadNetwork(EvaluatedConfiguration configuration, List<Diagnostic> problems)
    {
        if (Text(configuration, EnableNetworkVariable) != "oui")
        {
            return null;
        }

        var text = Text(configuration, NetworkVariable);
        if (text is null)
        {
            // Mandatory: the dictionaries report it missing.
            return null;
        }

        return ParseNetwork(text, NetworkVariable, problems);
    }

    /// <summary><paramref name="text"/> as a usable network, else null and, past its type's own check, said against <paramref name="variable"/>.</summary>
    private static PrivateNetwork? ParseNetwork(string text, string variable, List<Diagnostic> problems)
    {
        var network = PrivateNetwork.TryParse(text, out var problem);
        // Not CIDR, or host bits set: the variable's type (network_cidr) says so already, once.
        if (problem is PrivateNetworkProblem.PrefixOutOfRange)
        {
            problems.Add(new Diagnostic(variable, Messages.FormatNetworkPrefix(text, PrivateNetwork.MinPrefix, PrivateNetwork.MaxPrefix)));
        }
        else if (problem is PrivateNetworkProblem.Reserved)
        {
            problems.Add(new Diagnostic(variable, Messages.FormatNetworkReserved(text)));
        }

        return network;
    }

    /// <summary>
    /// <c>reseau_conteneurs_swarm</c>, the block swarm's tasks take their addresses from on the root's second bridge
    /// (docs/network.md): read only when a swarm service uses it, since no other technology does. Null when unusable.
    /// </summary>
    private static PrivateNetwork? ReadSwarmBlock(EvaluatedConfiguration configuration, PrivateNetwork network, List<Diagnostic> problems)
    {
        // Mandatory while the network is on: the dictionaries report it missing.
        if (Text(configuration, SwarmNetworkVariable) is not { } text || ParseNetwork(text, SwarmNetworkVariable, problems) is not { } block)
        {
            return null;
        }

        if (block.Overlaps(network.Network, network.PrefixLength))
        {
            problems.Add(new Diagnostic(SwarmNetworkVariable, Messages.FormatSwarmBlockOverlaps(block.Cidr, network.Cidr, NetworkVariable)));
            return null;
        }

        return block;
    }

    private static ServiceSpec? BuildService(EvaluatedConfiguration configuration, int n, string publishAddress, PrivateNetwork? network, List<Diagnostic> problems)
    {
        string Var(string suffix) => $"conteneur{n}_{suffix}";
        var variable = configuration.Find(Var("name"));
        if (variable is null || variable.Disabled)
        {
            return null;
        }

        var name = Text(configuration, Var("name")) ?? "";
        var typeText = Text(configuration, Var("type")) ?? "";
        // Until the type is known, docker's rules check the other values: every error is reported at once.
        var technology = DockerModule.Docker;
        if (typeText.Length == 0)
        {
            problems.Add(Diagnostic.Missing(Var("type"), Messages.FormatUnknownTechnology(typeText, string.Join(", ", TechnologyModules.Names))));
        }
        else if (TechnologyModules.Technologies.TryParse(typeText, out var parsed))
        {
            technology = parsed;
        }
        else
        {
            problems.Add(new Diagnostic(Var("type"), Messages.FormatUnknownTechnology(typeText, string.Join(", ", TechnologyModules.Names))));
        }

        var url = Text(configuration, Var("url")) ?? "";
        var tag = Text(configuration, Var("tag")) ?? "";
        var repository = Text(configuration, Var("repository")) ?? "";
        CheckTechnologyValues(technology, n, url, ref tag, repository, problems);

        var module = TechnologyModules.For(technology);
        foreach (var (suffix, readers) in TechnologyModules.OwnVariables)
        {
            // A value the technology would ignore is refused: the administrator believes it applies.
            if (!module.OwnVariables(technology).Contains(suffix) && Items(configuration, Var(suffix)).Any(v => v.Trim().Length > 0))
            {
                problems.Add(new Diagnostic(Var(suffix), Messages.FormatVariableNotUsed(technology.Name, readers)));
            }
        }

        // With the private network, a port_in row without port_out is an internal port: reachable on the network only
        // (not for a service on the host's network, which has no private address: there every row publishes).
        var onBridge = network is not null && !module.RunsOnHostNetwork(technology);
        var internalPorts = new List<int>();
        var protocols = Items(configuration, Var("port_proto"));
        var ports = Rows(configuration, Var("port_in"), Var("port_out"), problems, onBridge ? internalPorts : null)
            .Select(row => (ContainerPort: Port(row.Slave), HostPort: Port(row.Master), Protocol: ProtocolOf(protocols, row.Index)))
            .Where(row => row.ContainerPort is not null && row.HostPort is not null) // the others are type errors, reported by the dictionaries' checks
            .Select(row => new PortMapping(row.ContainerPort!.Value, row.HostPort!.Value, row.Protocol))
            .ToArray();
        CheckProtocols(configuration, Var("port_in"), Var("port_out"), Var("port_proto"), onBridge, problems);
        var volumes = Rows(configuration, Var("mountpoint_in"), Var("mountpoint_out"), problems)
            .Select(row => new VolumeMapping(row.Slave, row.Master))
            .ToArray();
        if (!module.AllowsVolumes(technology) && volumes.Length > 0)
        {
            // Strict confinement: a snap writes only $SNAP_DATA / $SNAP_COMMON, no host folder can be bound.
            problems.Add(new Diagnostic(Var("mountpoint_out"), Messages.SnapNoVolumes));
        }

        var environment = Items(configuration, Var("environnement"));
        var keepPrefix = Text(configuration, Var("chemin_conserve")) == "oui";
        // The default (10 s, or a dictionary without the variable) stays out of the spec: existing hashes do not change.
        var stopTimeout = Number(configuration, Var("delai_arret")) is long seconds and >= 1 and <= 600 and not DefaultStopTimeoutSeconds
            ? (int?)seconds
            : null;
        var drain = Number(configuration, Var("delai_vidange")) is long drainSeconds and >= 0 and <= 3600 and not DefaultDrainSeconds
            ? (int?)drainSeconds
            : null;
        // Empty by default: each engine's own deadline (60 s, a VM's boot timeout).
        var start = Number(configuration, Var("delai_demarrage")) is long startSeconds and >= 1 and <= 3600 ? (int?)startSeconds : null;
        var (memory, cpus) = ReadLimits(configuration, n, technology, module, problems);
        var secrets = ReadSecrets(configuration, n, name, technology, module, problems);
        var address = network is not null && onBridge ? ServiceAddress(configuration, n, name, technology, module, network, problems) : null;
        var alternateAddress = ReplacementAddress(configuration, n, name, technology, module, network, address, volumes.Length > 0, problems);

        // Kept even when its own values have problems, so the cross-service rules still report theirs.
        return new ServiceSpec
        {
            Index = n,
            Name = name,
            Technology = technology,
            Url = url,
            Tag = tag,
            Repository = repository,
            Ports = ports,
            Volumes = volumes,
            Environment = environment,
            KeepPrefix = keepPrefix,
            PublishAddress = publishAddress,
            StopTimeoutSeconds = stopTimeout,
            MemoryBytes = memory,
            Cpus = cpus,
            Address = address,
            AlternateAddress = alternateAddress,
            DrainSeconds = alternateAddress is null ? null : drain,
            StartSeconds = start,
            Network = address is null ? null : network!.Cidr,
            InternalPorts = internalPorts,
            Settings = module.ReadSettings(technology, new SettingsSource(configuration, n, network)),
            Secrets = secrets,
        };
    }

    /// <summary>
    /// <c>conteneurN_memoire</c> and <c>conteneurN_cpu</c> (their types check the form): null when empty or invalid. A
    /// technology without limits refuses them; more processors than the host has is refused (the engines would).
    /// </summary>
    private static (long? Memory, decimal? Cpus) ReadLimits(
        EvaluatedConfiguration configuration, int n, Technology technology, TechnologyModule module, List<Diagnostic> problems)
    {
        var memoryText = Text(configuration, $"conteneur{n}_memoire");
        var cpusText = Text(configuration, $"conteneur{n}_cpu");
        long? memory = memoryText is not null && VariableTypes.TryParseMemorySize(memoryText, out var bytes) ? bytes : null;
        decimal? cpus = cpusText is not null && VariableTypes.TryParseCpus(cpusText, out var count) ? count : null;
        if (!module.AppliesLimits(technology))
        {
            foreach (var (suffix, text) in new[] { ("memoire", memoryText), ("cpu", cpusText) })
            {
                if (text is not null)
                {
                    problems.Add(new Diagnostic($"conteneur{n}_{suffix}", Messages.FormatLimitNotApplied(technology.Name)));
                }
            }

            return (null, null);
        }

        if (cpus > Environment.ProcessorCount)
        {
            problems.Add(new Diagnostic($"conteneur{n}_cpu", Messages.FormatCpusAboveHost(cpusText!, Environment.ProcessorCount)));
            cpus = null;
        }

        return (memory, cpus);
    }

    /// <c>conteneurN_secrets</c>: <c>KEY=variable</c> entries naming <c>password</c> variables (docs/secrets.md). Messages name
    /// the entry and the variable, never its value; the spec gets a digest of the value, not the value.
    /// </summary>
    private static SecretMapping[] ReadSecrets(
        EvaluatedConfiguration configuration, int n, string name, Technology technology, TechnologyModule module, List<Diagnostic> problems)
    {
        var subject = $"conteneur{n}_secrets";
        var entries = Items(configuration, subject).Where(e => e.Length > 0).ToArray();
        if (entries.Length > 0 && !module.AllowsSecrets(technology))
        {
            problems.Add(new Diagnostic(subject, Messages.FormatSecretsNotSupported(technology.Name)));
            return [];
        }

        var secrets = new List<SecretMapping>();
        foreach (var entry in entries)
        {
            var parts = entry.Split('=', 2);
            var key = parts[0].Trim();
            var source = parts.Length > 1 ? parts[1].Trim() : "";
            if (!SecretKey().IsMatch(key))
            {
                problems.Add(new Diagnostic(subject, Messages.FormatSecretBadKey(entry)));
                continue;
            }

            if (secrets.Any(s => s.Key == key))
            {
                problems.Add(new Diagnostic(subject, Messages.FormatSecretDuplicateKey(key)));
                continue;
            }

            var variable = configuration.Find(source);
            if (variable is null)
            {
                problems.Add(new Diagnostic(subject, Messages.FormatSecretUnknownVariable(key, source)));
                continue;
            }

            if (variable.Type != VariableType.Password)
            {
                problems.Add(new Diagnostic(subject, Messages.FormatSecretNotPassword(key, source)));
                continue;
            }

            if (variable.Disabled || variable.Values.Count == 0 || string.IsNullOrEmpty(variable.Values[0]))
            {
                problems.Add(Diagnostic.Missing(subject, Messages.FormatSecretEmpty(key, source)));
                continue;
            }

            secrets.Add(new SecretMapping(key, source, SecretDigest(name, key, variable.Values[0]!)));
        }

        return [.. secrets];
    }

    /// <summary>
    /// What the spec keeps of a password: PBKDF2-SHA256 salted with the service and the key, so the label shows neither
    /// the value nor whether two services share one, and guessing it from the label is slow.
    /// </summary>
    internal static string SecretDigest(string service, string key, string value)
    {
        var salt = System.Text.Encoding.UTF8.GetBytes("portique-secret\0" + service + "\0" + key);
        return Convert.ToHexStringLower(System.Security.Cryptography.Rfc2898DeriveBytes.Pbkdf2(
            System.Text.Encoding.UTF8.GetBytes(value), salt, SecretDigestIterations, System.Security.Cryptography.HashAlgorithmName.SHA256, 32));
    }

    private const int SecretDigestIterations = 100_000;

    /// <summary>
    /// The second address of a service replaced without interruption (<c>conteneurN_remplacement</c>, docs/replacement.md):
    /// <c>conteneurN_ip_remplacement</c>, computed from the name unless pinned (<see cref="PrivateNetwork.ReplacementAddressFor"/>). Null when the service stops first: asked for, or by default with volumes
    /// (two instances writing the same files can corrupt them), off the network, or with a technology that cannot.
    /// Asking for <c>sans_coupure</c> where it cannot work is refused, naming the variable.
    /// </summary>
    private static string? ReplacementAddress(
        EvaluatedConfiguration configuration, int n, string name, Technology technology, TechnologyModule module, PrivateNetwork? network,
        string? address, bool hasVolumes, List<Diagnostic> problems)
    {
        var asked = Text(configuration, $"conteneur{n}_remplacement");
        var startFirst = asked == StartFirstValue || (asked is null && !hasVolumes);
        if (!startFirst)
        {
            return null;
        }

        if (network is null)
        {
            if (asked is not null)
            {
                problems.Add(new Diagnostic($"conteneur{n}_remplacement", Messages.FormatStartFirstNeedsNetwork(EnableNetworkVariable)));
            }

            return null;
        }

        if (!module.ReplacesWithoutInterruption(technology) || module.RunsOnHostNetwork(technology))
        {
            if (asked is not null)
            {
                problems.Add(new Diagnostic($"conteneur{n}_remplacement", Messages.FormatStartFirstUnsupported(technology.Name, TechnologyModules.StartFirstNames)));
            }

            return null;
        }

        var alternate = CheckedAddress(
            Text(configuration, $"conteneur{n}_ip_remplacement") ?? (name.Length > 0 ? network.ReplacementAddressFor(name) : null),
            $"conteneur{n}_ip_remplacement",
            network,
            problems);
        return address is null ? null : alternate;
    }

    /// <summary>The value of <c>conteneurN_remplacement</c> that starts the new instance first.</summary>
    private const string StartFirstValue = "sans_coupure";

    /// <summary><c>conteneurN_ip</c> (computed from the name unless pinned), checked against the network; null when unusable.</summary>
    private static string? ServiceAddress(
        EvaluatedConfiguration configuration, int n, string name, Technology technology, TechnologyModule module, PrivateNetwork network, List<Diagnostic> problems)
    {
        if (!module.JoinsPrivateNetwork(technology))
        {
            problems.Add(new Diagnostic($"conteneur{n}_type", Messages.FormatTechnologyNotOnNetwork(technology.Name, EnableNetworkVariable)));
        }

        return CheckedAddress(Text(configuration, $"conteneur{n}_ip") ?? (name.Length > 0 ? network.AddressFor(name) : null), $"conteneur{n}_ip", network, problems);
    }

    /// <summary><paramref name="address"/> when a service may have it in <paramref name="network"/>; else null, and said against <paramref name="variable"/>.</summary>
    private static string? CheckedAddress(string? address, string variable, PrivateNetwork network, List<Diagnostic> problems)
    {
        if (address is null || !PrivateNetwork.TryParseAddress(address, out _))
        {
            // Not an address: the variable's type (ip) says so.
            return null;
        }

        if (!network.IsServiceAddress(address))
        {
            problems.Add(new Diagnostic(variable, Messages.FormatAddressOutsideNetwork(
                address, network.Cidr, PrivateNetwork.Text(network.FirstService), PrivateNetwork.Text(network.PoolStart - 1))));
            return null;
        }

        return address;
    }

    /// <summary>
    /// Values that become image references, git arguments or paths must be safe tokens: the technology's module says
    /// which rules its values follow (<see cref="TechnologyModule.Rules"/>), this layer owns each rule's pattern and message.
    /// </summary>
    private static void CheckTechnologyValues(Technology technology, int n, string url, ref string tag, string repository, List<Diagnostic> problems)
    {
        string Var(string suffix) => $"conteneur{n}_{suffix}";
        foreach (var rule in TechnologyModules.For(technology).Rules(technology))
        {
            var (suffix, value) = rule.Field switch
            {
                RuleField.Url => ("url", url),
                RuleField.Tag => ("tag", tag),
                _ => ("repository", repository),
            };
            switch (rule.Presence)
            {
                case Presence.NotUsed:
                    if (value.Length > 0)
                    {
                        problems.Add(new Diagnostic(Var(suffix), Messages.FormatRepositoryNotUsed(value, technology.Name)));
                    }

                    continue;
                case Presence.Required when value.Length == 0:
                    problems.Add(Diagnostic.Missing(Var(suffix), Messages.FormatRequiredFor(technology.Name)));
                    continue;
                case Presence.Optional when value.Length == 0:
                    continue;
                case Presence.Defaulted when value.Length == 0:
                    value = rule.Default ?? "";
                    if (rule.Field == RuleField.Tag)
                    {
                        tag = value;
                    }

                    break;
            }

            if (!Matches(rule.Kind, value))
            {
                problems.Add(new Diagnostic(Var(suffix), Complaint(rule.Kind, value)));
            }
        }
    }

    private static bool Matches(ValueKind kind, string value) => kind switch
    {
        ValueKind.ImageName => ImageName().IsMatch(value),
        ValueKind.ImageTag => ImageTag().IsMatch(value),
        ValueKind.Registry => IsRegistry(value),
        ValueKind.GitUrl => GitUrl().IsMatch(value),
        ValueKind.GitRef => GitReference.IsValid(value),
        ValueKind.DiskImage => DiskImage().IsMatch(value),
        ValueKind.HttpUrl => HttpUrl().IsMatch(value),
        ValueKind.SnapName => SnapName().IsMatch(value),
        ValueKind.SnapChannel => SnapChannel().IsMatch(value),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static string Complaint(ValueKind kind, string value) => kind switch
    {
        ValueKind.ImageName => Messages.FormatBadImageName(value),
        ValueKind.ImageTag => Messages.FormatBadTag(value),
        ValueKind.Registry => Messages.FormatBadRegistry(value),
        ValueKind.GitUrl => Messages.FormatBadGitUrl(value),
        ValueKind.GitRef => Messages.FormatBadGitRef(value),
        ValueKind.DiskImage => Messages.FormatBadDiskImage(value),
        ValueKind.HttpUrl => Messages.FormatBadDownloadUrl(value),
        ValueKind.SnapName => Messages.FormatBadSnapName(value),
        ValueKind.SnapChannel => Messages.FormatBadSnapChannel(value),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>One service's <c>conteneurN_*</c> variables, for its module's settings.</summary>
    private sealed class SettingsSource(EvaluatedConfiguration configuration, int n, PrivateNetwork? network) : ISettingsSource
    {
        public PrivateNetwork? Network => network;

        public string? Root(string variable) => DesiredStateBuilder.Text(configuration, variable);

        public string? Text(string suffix) => DesiredStateBuilder.Text(configuration, $"conteneur{n}_{suffix}");

        public long? Number(string suffix) => DesiredStateBuilder.Number(configuration, $"conteneur{n}_{suffix}");

        public IReadOnlyList<string> Texts(string suffix) =>
            Items(configuration, $"conteneur{n}_{suffix}").Select(v => v.Trim()).Where(v => v.Length > 0).ToArray();
    }

    private static void CheckUnique(List<ServiceSpec> services, List<Diagnostic> problems, EvaluatedConfiguration configuration)
    {
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        var ports = new Dictionary<(int, PortProtocol), string>();
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        var addresses = new Dictionary<string, string>(StringComparer.Ordinal);
        var frontend = new Dictionary<long, string>();
        foreach (var variable in new[] { "frontal_port_http", "frontal_port_https" })
        {
            if (Number(configuration, variable) is { } port)
            {
                if (frontend.TryGetValue(port, out var other))
                {
                    // One port cannot serve both plain http and TLS: nginx would start, and answer one of them wrongly.
                    problems.Add(new Diagnostic(variable, Messages.FormatFrontendPortsEqual(port, other)));
                }

                frontend[port] = variable;
            }
        }

        foreach (var service in services)
        {
            if (service.Name.Length == 0)
            {
                // Not named yet: the dictionaries report the missing name.
            }
            else if (names.TryGetValue(service.Name, out var other))
            {
                problems.Add(new Diagnostic($"conteneur{service.Index}_name", Messages.FormatDuplicateName(service.Name, $"conteneur{other}_name")));
            }
            else
            {
                names[service.Name] = service.Index;
            }

            foreach (var port in service.Ports)
            {
                var subject = $"conteneur{service.Index}_port_out";
                // 53/tcp and 53/udp are two ports.
                if (ports.TryGetValue((port.HostPort, port.Protocol), out var holder))
                {
                    problems.Add(new Diagnostic(subject, Messages.FormatDuplicateHostPort(port.HostPort, holder)));
                }
                else
                {
                    ports[(port.HostPort, port.Protocol)] = subject;
                }

                if (port.Protocol == PortProtocol.Tcp && frontend.TryGetValue(port.HostPort, out var frontendVariable))
                {
                    problems.Add(new Diagnostic(subject, Messages.FormatFrontendPort(port.HostPort, frontendVariable)));
                }
            }

            foreach (var (address, subject) in new[] { (service.Address, $"conteneur{service.Index}_ip"), (service.AlternateAddress, $"conteneur{service.Index}_ip_remplacement") })
            {
                if (address is null)
                {
                    continue;
                }

                if (addresses.TryGetValue(address, out var holder))
                {
                    // Two names may hash to one address: say so and how to pin one, never move one silently.
                    problems.Add(new Diagnostic(subject, Messages.FormatDuplicateAddress(address, holder, subject)));
                }
                else
                {
                    addresses[address] = subject;
                }
            }

            foreach (var volume in service.Volumes)
            {
                var subject = $"conteneur{service.Index}_mountpoint_out";
                if (paths.TryGetValue(volume.HostPath, out var holder))
                {
                    problems.Add(new Diagnostic(subject, Messages.FormatDuplicateHostPath(volume.HostPath, holder)));
                }
                else
                {
                    paths[volume.HostPath] = subject;
                }
            }
        }
    }

    /// <summary>
    /// The complete master/slave rows. A row whose slave is empty is incomplete, unless <paramref name="masterOnly"/> is
    /// given: then its master's value is added there (an internal port: <c>port_in</c> without <c>port_out</c>).
    /// </summary>
    /// <summary>A row's <c>conteneurN_port_proto</c>: <c>udp</c>, else TCP (empty, missing, or a value its check refuses).</summary>
    private static PortProtocol ProtocolOf(IReadOnlyList<string> protocols, int row) =>
        row < protocols.Count && protocols[row] == "udp" ? PortProtocol.Udp : PortProtocol.Tcp;

    /// <summary>
    /// UDP is published by the frontend's stream part only, which publishes on the private network; and only a row that
    /// publishes (an internal port is reachable on the network whatever its protocol).
    /// </summary>
    private static void CheckProtocols(EvaluatedConfiguration configuration, string master, string slave, string protocol, bool networkOn, List<Diagnostic> problems)
    {
        var protocols = Items(configuration, protocol);
        var published = Items(configuration, slave);
        for (var row = 0; row < Items(configuration, master).Count; row++)
        {
            if (ProtocolOf(protocols, row) != PortProtocol.Udp)
            {
                continue;
            }

            if (!networkOn)
            {
                problems.Add(new Diagnostic(protocol, Messages.FormatUdpNeedsNetwork(row + 1, EnableNetworkVariable)));
            }
            else if (row >= published.Count || published[row].Length == 0)
            {
                problems.Add(new Diagnostic(protocol, Messages.FormatUdpNeedsHostPort(row + 1, slave)));
            }
        }
    }

    private static IEnumerable<(string Master, string Slave, int Index)> Rows(
        EvaluatedConfiguration configuration, string master, string slave, List<Diagnostic> problems, List<int>? masterOnly = null)
    {
        var masters = Items(configuration, master);
        var slaves = Items(configuration, slave);
        var rows = new List<(string, string, int)>();
        for (var i = 0; i < Math.Max(masters.Count, slaves.Count); i++)
        {
            var m = i < masters.Count ? masters[i] : "";
            var s = i < slaves.Count ? slaves[i] : "";
            if (m.Length == 0)
            {
                problems.Add(Diagnostic.Missing(master, Messages.FormatRowMissing(i + 1, slave)));
            }
            else if (s.Length == 0 && masterOnly is not null)
            {
                if (Port(m) is { } port)
                {
                    masterOnly.Add(port);
                }
            }
            else if (s.Length == 0)
            {
                problems.Add(Diagnostic.Missing(slave, Messages.FormatRowMissing(i + 1, master)));
            }
            else
            {
                rows.Add((m, s, i));
            }
        }

        return rows;
    }

    private static IReadOnlyList<string> Items(EvaluatedConfiguration configuration, string name) =>
        configuration.Find(name) is { Disabled: false } variable
            ? variable.Values.Select(v => v ?? "").ToArray()
            : [];

    private static string? Text(EvaluatedConfiguration configuration, string name) =>
        configuration.Find(name) is { Disabled: false } variable && variable.Values.Count > 0 && !string.IsNullOrEmpty(variable.Values[0])
            ? variable.Values[0]!.Trim()
            : null;

    private static int? Port(string text) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535 ? port : null;

    private static long? Number(EvaluatedConfiguration configuration, string name) =>
        long.TryParse(Text(configuration, name), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : null;

    private static bool IsRegistry(string repository)
    {
        var match = Registry().Match(repository);
        return match.Success
            && (!match.Groups["port"].Success || int.Parse(match.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture) is >= 1 and <= 65535);
    }

    // An environment variable's name: it is also a file name under /run/secrets.
    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]{0,63}\z")]
    private static partial Regex SecretKey();

    // Docker's reference grammar, path part: lower-case components separated by '/'.
    [GeneratedRegex(@"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*\z")]
    private static partial Regex ImageName();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}\z")]
    private static partial Regex ImageTag();

    [GeneratedRegex(@"^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::(?<port>[0-9]{1,5}))?\z")]
    private static partial Regex Registry();

    // No blanks, quotes or shell metacharacters: the URL also lands in generated shell files.
    [GeneratedRegex(@"^(?:(?:file|https?|git|ssh)://|/)[^\s'""`$;|&<>\\]+\z")]
    private static partial Regex GitUrl();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}\.(?:qcow2|img|raw)\z")]
    private static partial Regex DiskImage();

    [GeneratedRegex(@"^https?://[^\s/?#'""`$;|&<>\\]+(?:/[^\s?#'""`$;|&<>\\]*)?\z")]
    private static partial Regex HttpUrl();

    // snapd's rule: lower case letters, digits and single dashes, at most 40 characters.
    [GeneratedRegex(@"^(?=.{1,40}\z)[a-z0-9]+(?:-[a-z0-9]+)*\z")]
    private static partial Regex SnapName();

    [GeneratedRegex(@"^(?:[0-9]+|[a-z0-9][a-z0-9.-]*(?:/[a-z0-9][a-z0-9.-]*){0,2})\z")]
    private static partial Regex SnapChannel();
}
