using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using Docker.DotNet.Models;
using Portique.Core;
using Portique.Planning;
using Portique.Technologies.Shared;
using ServiceSpec = Portique.Planning.ServiceSpec;

namespace Portique.Technologies.Vagrant;

/// <summary>
/// Runs <c>vagrant</c> services: one vagrant project per service in <c>STATE/vagrant/NAME/</c> (a generated
/// <c>Vagrantfile</c> and <c>portique.json</c>, the record that makes it Portique's), driven with <c>vagrant up</c>,
/// <c>halt</c> and <c>destroy</c>. The provider is libvirt or VirtualBox when usable (<c>conteneurN_url</c> is then a
/// box, <c>_tag</c> its version, <c>_repository</c> its server), otherwise docker, with the same OCI image the docker
/// technology runs: switching a service between docker and vagrant changes nothing else. The docker provider's
/// container is named <c>portique-vagrant.NAME</c> and carries no <c>portique.root</c> label (the docker driver would
/// take it for its own); its state, health and logs are read through the Engine API.
/// </summary>
public sealed partial class VagrantDriver : IServiceDriver, IUsageReader, IDisposable
{
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute;

    /// <summary>This driver's texts for a program that timed out or cannot be started (see <see cref="Tool"/>).</summary>
    private static readonly ToolMessages ToolMessages = new(Messages.FormatCommandTimedOut, Messages.FormatProgramMissing);

    private readonly DockerApiClient _api;
    private readonly DockerPrivateNetwork _network;
    private VagrantProvider? _provider;

    /// <param name="root">The Portique root this driver serves: it only touches the vagrant projects under its state directory.</param>
    /// <param name="dockerEndpoint">dockerd for the docker provider; null: <c>DOCKER_HOST</c>, else the local socket.</param>
    /// <param name="options">Tools, provider and timeouts; null: the defaults.</param>
    public VagrantDriver(PortiqueRoot root, Uri? dockerEndpoint = null, VagrantDriverOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        Root = root;
        Endpoint = dockerEndpoint ?? DockerEndpoint.Default();
        Options = options ?? new VagrantDriverOptions();

        // Every Engine API failure reads "dockerd (vagrant's docker provider) is not answering": the administrator of a
        // vagrant service may not know a dockerd is involved.
        _api = new DockerApiClient(
            Endpoint,
            Options.DockerApiVersion,
            new DockerApiMessages(
                Messages.FormatDockerUnreachable,
                Messages.FormatDockerUnreachable,
                (endpoint, server, minimum) => Messages.FormatDockerUnreachable(endpoint, $"Docker API {server} < {minimum}"),
                Messages.FormatListFailed,
                Messages.FormatInspectFailed,
                Messages.FormatInspectFailed));
        _network = new DockerPrivateNetwork(_api, root.Directory, Messages.FormatNetworkFailed);
    }

    public PortiqueRoot Root { get; }

    public Uri Endpoint { get; }

    public VagrantDriverOptions Options { get; }

    public LifecycleOptions Lifecycle => Options;

    public IReadOnlySet<Technology> Technologies { get; } = new[] { VagrantModule.Vagrant }.ToFrozenSet();

    /// <summary>One vagrant project per service: <c>STATE/vagrant/NAME</c>.</summary>
    public string ProjectsDirectory => Path.Join(Root.StateDirectory, "vagrant");

    /// <summary>VAGRANT_HOME of this root (boxes, machine index).</summary>
    public string HomeDirectory => Options.VagrantHome ?? Path.Join(Root.StateDirectory, "vagrant-home");

    /// <summary>The provider services get (see <see cref="VagrantDriverOptions.Provider"/>), probed once per driver.</summary>
    public async Task<VagrantProvider> ProviderAsync(CancellationToken cancellationToken)
    {
        if (_provider is { } known)
        {
            return known;
        }

        var provider = Options.Provider ?? await DetectProviderAsync(cancellationToken);
        _provider = provider;
        return provider;
    }

    public async Task<string?> CheckAvailabilityAsync(CancellationToken cancellationToken)
    {
        if (FindProgram(Options.VagrantExecutable) is null)
        {
            return Messages.FormatVagrantMissing(Options.VagrantExecutable);
        }

        var provider = await ProviderAsync(cancellationToken);
        if (provider != VagrantProvider.Docker)
        {
            return null;
        }

        var problems = new List<string>();
        if (FindProgram(Options.DockerExecutable) is null)
        {
            problems.Add(Messages.FormatDockerCliMissing(Options.DockerExecutable));
        }

        if (await _api.ProbeAsync((client, ct) => client.System.PingAsync(ct), Options.ProbeTimeout, cancellationToken) is { } problem)
        {
            problems.Add(problem);
        }

        return problems.Count == 0 ? null : string.Join(" ; ", problems);
    }

    public async Task<IReadOnlyList<ObservedService>> ListOwnedAsync(CancellationToken cancellationToken)
    {
        var owned = new List<ObservedService>();
        var folders = OwnedFolders().ToList();
        if (folders.Count == 0)
        {
            return owned;
        }

        var provider = await ProviderAsync(cancellationToken);
        foreach (var (folder, name, isAside) in folders)
        {
            var record = VagrantRecord.TryRead(folder);
            owned.Add(await ObserveAsync(folder, name, isAside, record, provider, cancellationToken));
        }

        return owned;
    }

    public async Task<string?> FindForeignHolderAsync(string name, CancellationToken cancellationToken)
    {
        Validation.ServiceName(name);
        var folder = Path.Join(ProjectsDirectory, name);
        if ((Directory.Exists(folder) || File.Exists(folder)) && !File.Exists(Path.Join(folder, VagrantRecord.FileName)))
        {
            return Messages.FormatForeignFolder(folder);
        }

        if (await ProviderAsync(cancellationToken) != VagrantProvider.Docker)
        {
            return null;
        }

        // The docker provider's container name is host-wide: another root (or anyone) may hold it.
        var holder = await _api.Containers.FindByExactNameAsync(Vagrantfile.ContainerName(name), cancellationToken);
        if (holder is null || holder.ID == MachineId(folder, VagrantProvider.Docker))
        {
            return null;
        }

        var id = DockerInspect.ShortId(holder.ID);
        return holder.Labels is not null && holder.Labels.TryGetValue(Vagrantfile.RootLabel, out var owner)
            ? Messages.FormatForeignContainerOwned(Vagrantfile.ContainerName(name), id, owner)
            : Messages.FormatForeignContainer(Vagrantfile.ContainerName(name), id, holder.Image);
    }

    public async Task<string> FetchAsync(ServiceSpec spec, bool refresh, IProgress<string> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(progress);
        EnsureTechnology(spec);
        var provider = await ProviderAsync(cancellationToken);
        return provider == VagrantProvider.Docker
            ? await PullImageAsync(spec, refresh, progress, cancellationToken)
            : await AddBoxAsync(spec, provider, refresh, progress, cancellationToken);
    }

    public Task<ObservedService> CreateAsync(ServiceSpec spec, string artifactId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return CreateNamedAsync(spec, artifactId, spec.Name, cancellationToken);
    }

    /// <summary>With the docker provider only: a machine beside another needs the private network, which box providers cannot join.</summary>
    public bool StartsBeside => true;

    /// <summary>
    /// The project folder (and its container) is named after the service when that folder is free, else
    /// <c>NAME.portique-next</c>, a name it keeps until its own replacement: vagrant's machine state lives in the folder,
    /// which cannot move while its machine runs.
    /// </summary>
    public Task<ObservedService> CreateBesideAsync(ServiceSpec spec, string artifactId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Validation.ServiceName(spec.Name);
        var folder = Path.Join(ProjectsDirectory, spec.Name);
        var taken = Directory.Exists(folder) || File.Exists(folder);
        return CreateNamedAsync(spec, artifactId, taken ? ServiceLifecycle.NextName(spec.Name) : spec.Name, cancellationToken);
    }

    private async Task<ObservedService> CreateNamedAsync(ServiceSpec spec, string artifactId, string folderName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(artifactId);
        EnsureTechnology(spec);
        Validation.ServiceName(spec.Name);
        var provider = await ProviderAsync(cancellationToken);
        var folder = Path.Join(ProjectsDirectory, folderName);
        if (Directory.Exists(folder) || File.Exists(folder))
        {
            throw new RuntimeFailureException(Messages.FormatNameTaken(spec.Name, folder));
        }

        var record = new VagrantRecord
        {
            Name = spec.Name,
            Root = Root.Directory,
            InstanceId = Guid.NewGuid().ToString("N"),
            Spec = spec.CanonicalJson(),
            SpecHash = spec.SpecHash(),
            Index = spec.Index,
            Provider = provider,
            Image = provider == VagrantProvider.Docker ? Validation.ImageReference(spec.Url, spec.Tag, spec.Repository) : Validation.BoxOrImageName(spec.Url),
            BoxVersion = provider == VagrantProvider.Docker || spec.Tag is "" or "latest" ? "" : Validation.Tag(spec.Tag),
            BoxServer = provider == VagrantProvider.Docker ? "" : Validation.Registry(spec.Repository),
            Artifact = artifactId,
            PublishAddress = spec.PublishAddress,
            Ports = spec.Ports.ToArray(),
            Volumes = spec.Volumes.ToArray(),
            Environment = LastWins(spec.Environment),
            MemoryBytes = spec.MemoryBytes,
            Cpus = spec.Cpus,
            Address = spec.Address,
            Network = spec.Address is null ? null : spec.Network,
            Created = Options.Time.GetUtcNow(),
        };
        Vagrantfile.Render(record, folderName); // checks every value before anything is made
        if (record.Address is not null && provider != VagrantProvider.Docker)
        {
            throw new InvalidInputException(spec.Name, Messages.FormatBoxProviderNoNetwork(spec.Name, provider.ToString().ToLowerInvariant()));
        }

        if (provider == VagrantProvider.Docker)
        {
            if (await _api.Images.TryInspectAsync(artifactId, cancellationToken) is null)
            {
                throw new RuntimeFailureException(Messages.FormatImageMissing(record.Image));
            }

            if (PrivateNetwork.TryParse(record.Network, out _) is { } network)
            {
                // The root's docker network, as the docker driver makes it (docs/network.md).
                await _network.EnsureAsync(network, cancellationToken);
            }

            if (await _api.Containers.FindByExactNameAsync(Vagrantfile.ContainerName(folderName), cancellationToken) is { } holder)
            {
                throw new RuntimeFailureException(Messages.FormatContainerNameTaken(Vagrantfile.ContainerName(folderName), DockerInspect.ShortId(holder.ID)));
            }
        }

        foreach (var volume in record.Volumes)
        {
            HostDirectory.Ensure(spec.Name, volume.HostPath, Messages.FormatVolumeDirectoryFailed);
        }

        Directory.CreateDirectory(ProjectsDirectory, DirectoryMode);
        Directory.CreateDirectory(folder, DirectoryMode);
        try
        {
            await AtomicFile.WriteTextAsync(Path.Join(folder, VagrantRecord.FileName), record.Serialize(), AtomicFile.GroupReadableMode, cancellationToken);
            await UpAsync(folder, record, cancellationToken);
            return await ObserveAsync(folder, record.Name, false, record, provider, cancellationToken);
        }
        catch (Exception exception) when (exception is RuntimeFailureException or IOException or UnauthorizedAccessException or OperationCanceledException)
        {
            // "Creates and starts": a machine that cannot start would hold the name; nothing else of the service is touched.
            await DestroyQuietlyAsync(folder, record);
            throw;
        }
    }

    public async Task StartAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var (folder, record) = ResolveOwned(instance);
        await UpAsync(folder, record, cancellationToken);
    }

    /// <summary><c>vagrant halt</c>.</summary>
    public async Task StopAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var (folder, record) = ResolveOwned(instance);
        await WriteProjectAsync(folder, record, cancellationToken);
        var halt = await VagrantAsync(folder, record, ["halt", "--no-color"], cancellationToken);
        if (!halt.Succeeded)
        {
            throw new RuntimeFailureException(Messages.FormatHaltFailed(record.Name, halt.Detail));
        }
    }

    /// <summary>
    /// Renames the machine's container (docker provider) and moves its project folder to <c>NAME.portique-aside</c>,
    /// or back to <c>NAME</c>: a crash in between leaves a stopped machine that still reads back as this service's.
    /// </summary>
    public async Task<ObservedService> RenameAsync(ObservedService instance, bool aside, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var (folder, record) = ResolveOwned(instance);
        var target = Path.Join(ProjectsDirectory, aside ? ServiceLifecycle.AsideName(record.Name) : record.Name);
        if (folder != target)
        {
            if (Directory.Exists(target) || File.Exists(target))
            {
                throw new RuntimeFailureException(Messages.FormatRenameFailed(Path.GetFileName(folder), Path.GetFileName(target), Messages.FormatAlreadyExists(target)));
            }

            await RenameContainerAsync(folder, record, Path.GetFileName(target), cancellationToken);
            Move(folder, target);
        }

        await WriteProjectAsync(target, record, cancellationToken);
        return await ObserveAsync(target, record.Name, aside, record, record.Provider, cancellationToken);
    }

    /// <summary><c>vagrant destroy -f</c>, then the project folder goes. Host directories bound as volumes are never touched.</summary>
    public async Task RemoveAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        string folder;
        VagrantRecord record;
        try
        {
            (folder, record) = ResolveOwned(instance);
        }
        catch (InstanceMissingException)
        {
            return;
        }

        await WriteProjectAsync(folder, record, cancellationToken);
        var destroy = await VagrantAsync(folder, record, ["destroy", "-f", "--no-color"], cancellationToken);
        if (record.Provider == VagrantProvider.Docker && MachineId(folder, VagrantProvider.Docker) is { } id)
        {
            // vagrant forgets a container it could not delete: make sure it is gone when it is ours.
            if (await _api.Containers.TryInspectAsync(id, cancellationToken) is { } left && IsOurs(left))
            {
                await _api.Containers.RemoveAsync(id, m => Messages.FormatRemoveFailed(record.Name, m), cancellationToken);
            }
        }
        else if (!destroy.Succeeded && record.Provider != VagrantProvider.Docker)
        {
            throw new RuntimeFailureException(Messages.FormatRemoveFailed(record.Name, destroy.Detail));
        }

        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new RuntimeFailureException(Messages.FormatRemoveFailed(record.Name, exception.Message), exception);
        }
    }

    /// <summary>The docker provider's container as dockerd reports it; a VM box: running or not, as vagrant says.</summary>
    /// <summary>The docker provider's container use, from dockerd's stats; null for boxes (their hypervisor keeps it) or a stopped machine.</summary>
    public async Task<ResourceUsage?> ReadUsageAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        try
        {
            var (folder, record) = ResolveOwned(instance);
            return record.Provider == VagrantProvider.Docker && await ContainerAsync(folder, cancellationToken) is { State.Running: true } container
                ? await _api.Containers.TryUsageAsync(container.ID, cancellationToken)
                : null;
        }
        catch (PortiqueException)
        {
            return null;
        }
    }

    public async Task<InstanceObservation> ObserveAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var (folder, record) = ResolveOwned(instance);
        if (record.Provider != VagrantProvider.Docker)
        {
            return new InstanceObservation(
                await BoxStateAsync(folder, record, cancellationToken) == "running" ? EngineHealth.Running : EngineHealth.NotRunning);
        }

        var container = await ContainerAsync(folder, cancellationToken);
        return container is null
            ? new InstanceObservation(EngineHealth.NotRunning)
            : new InstanceObservation(Health(container)) { StartedAt = container.State?.StartedAt, RestartCount = container.RestartCount };
    }

    /// <summary>The docker provider's container log as dockerd keeps it; a VM box has none that Portique reads.</summary>
    public async IAsyncEnumerable<LogLine> OpenLogAsync(string name, LogRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Validation.ServiceName(ServiceLifecycle.ServiceNameOf(name));
        var id = await ServiceLogs.FindInstanceAsync(name, LogSourceAsync, () => Messages.FormatMachineNotFound(name, Root.Directory), cancellationToken);
        var lines = LogLines.ReadAsync(
            _api,
            ct => _api.Containers.OpenLogsAsync(id, request.Follow, request.Tail, m => Messages.FormatLogsFailed(name, m), ct),
            timestamps: false,
            m => Messages.FormatLogsFailed(name, m),
            cancellationToken);
        await foreach (var line in lines)
        {
            yield return line;
        }
    }

    public void Dispose()
    {
        _api.Dispose();
        _network.Dispose();
    }

    // ---------------------------------------------------------------- projects

    /// <summary>Service folders of this root that Portique made (they hold a <c>portique.json</c>).</summary>
    private IEnumerable<(string Folder, string Name, bool IsAside)> OwnedFolders()
    {
        if (!Directory.Exists(ProjectsDirectory))
        {
            yield break;
        }

        foreach (var folder in Directory.EnumerateDirectories(ProjectsDirectory).Order(StringComparer.Ordinal))
        {
            if (Validation.ParseFolderName(Path.GetFileName(folder)) is { } parsed && File.Exists(Path.Join(folder, VagrantRecord.FileName)))
            {
                yield return (folder, parsed.Name, parsed.IsAside);
            }
        }
    }

    private (string Folder, VagrantRecord Record) ResolveOwned(ObservedService instance)
    {
        Validation.ServiceName(instance.Name);
        var candidates = instance.IsAside
            ? new[] { ServiceLifecycle.AsideName(instance.Name), instance.Name, ServiceLifecycle.NextName(instance.Name) }
            : instance.InstanceName is { } next
                ? [next, instance.Name, ServiceLifecycle.AsideName(instance.Name)]
                : [instance.Name, ServiceLifecycle.NextName(instance.Name), ServiceLifecycle.AsideName(instance.Name)];
        foreach (var candidate in candidates)
        {
            var folder = Path.Join(ProjectsDirectory, candidate);
            if (!File.Exists(Path.Join(folder, VagrantRecord.FileName)))
            {
                continue;
            }

            var record = VagrantRecord.TryRead(folder)
                ?? throw new RuntimeFailureException(Messages.FormatRecordUnreadable(Path.Join(folder, VagrantRecord.FileName)));
            if (record.Name == instance.Name && (instance.InstanceId is null || record.InstanceId == instance.InstanceId))
            {
                return (folder, record);
            }
        }

        throw new InstanceMissingException(Messages.FormatMachineNotFound(instance.InstanceId ?? instance.Name, Root.Directory));
    }

    /// <summary>Writes the Vagrantfile (and the environment file of box machines) for the folder's current name.</summary>
    private static async Task WriteProjectAsync(string folder, VagrantRecord record, CancellationToken cancellationToken)
    {
        await AtomicFile.WriteTextAsync(Path.Join(folder, Vagrantfile.FileName), Vagrantfile.Render(record, Path.GetFileName(folder)), AtomicFile.GroupReadableMode, cancellationToken);
        if (record.Provider != VagrantProvider.Docker)
        {
            await AtomicFile.WriteTextAsync(Path.Join(folder, "portique.env"), Vagrantfile.EnvironmentFile(record), AtomicFile.GroupReadableMode, cancellationToken);
        }
    }

    private async Task UpAsync(string folder, VagrantRecord record, CancellationToken cancellationToken)
    {
        await WriteProjectAsync(folder, record, cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            var up = await VagrantAsync(
                folder,
                record,
                ["up", "--provider=" + ProviderName(record.Provider), "--no-color", "--no-destroy-on-error"],
                cancellationToken);
            if (up.Succeeded)
            {
                return;
            }

            // Before creating a container, vagrant's docker provider inspects every container of the host one by one
            // (to list used ports): one deleted meanwhile by anyone makes "docker inspect" fail and "up" with it,
            // before anything was made. That race is retried; any other failure is reported.
            if (attempt >= 3 || !IsContainerScanRace(up))
            {
                throw new RuntimeFailureException(Messages.FormatUpFailed(record.Name, VagrantError(up)));
            }
        }
    }

    internal static bool IsContainerScanRace(ToolResult result) =>
        (result.StandardError + result.StandardOutput) is var text
        && text.Contains("\"docker\", \"inspect\"", StringComparison.Ordinal)
        && text.Contains("No such object", StringComparison.Ordinal);

    /// <summary>Runs vagrant in the service's folder with this root's VAGRANT_HOME, no update or version check, no color.</summary>
    private Task<ToolResult> VagrantAsync(string folder, VagrantRecord? record, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["VAGRANT_HOME"] = HomeDirectory,
            ["VAGRANT_CHECKPOINT_DISABLE"] = "1",
            ["VAGRANT_BOX_UPDATE_CHECK_DISABLE"] = "1",
            ["VAGRANT_NO_COLOR"] = "1",
            ["VAGRANT_CWD"] = null,
            ["VAGRANT_VAGRANTFILE"] = null,
            ["VAGRANT_DOTFILE_PATH"] = null,
            ["VAGRANT_DEFAULT_PROVIDER"] = null,
            ["VAGRANT_LOG"] = null,
            ["DOCKER_HOST"] = Endpoint.ToString(),
            ["VAGRANT_SERVER_URL"] = record is { BoxServer.Length: > 0 } ? "https://" + record.BoxServer : null,
        };
        return Tool.RunAsync(Options.VagrantExecutable, arguments, Options.CommandTimeout, ToolMessages, cancellationToken, environment, folder);
    }

    /// <summary>The provider's machine id vagrant recorded in the folder (<c>.vagrant/machines/default/PROVIDER/id</c>), or null.</summary>
    private static string? MachineId(string folder, VagrantProvider provider)
    {
        var path = Path.Join(folder, ".vagrant", "machines", "default", ProviderName(provider), "id");
        try
        {
            var id = File.Exists(path) ? File.ReadAllText(path).Trim() : null;
            return provider != VagrantProvider.Docker || Validation.IsDockerId(id) ? id : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private async Task<ObservedService> ObserveAsync(
        string folder, string name, bool isAside, VagrantRecord? record, VagrantProvider current, CancellationToken cancellationToken)
    {
        var state = InstanceState.Missing;
        var artifact = record?.Artifact;
        if (record?.Provider == VagrantProvider.Docker)
        {
            var container = await ContainerAsync(folder, cancellationToken);
            if (container is not null)
            {
                state = container.State is { Running: true } ? InstanceState.Running : InstanceState.Stopped;
                artifact = container.Image;
            }
        }
        else if (record is not null)
        {
            state = await BoxStateAsync(folder, record, cancellationToken) switch
            {
                "running" => InstanceState.Running,
                "not_created" or null => InstanceState.Missing,
                _ => InstanceState.Stopped,
            };
        }

        return new ObservedService
        {
            Name = name,
            InstanceName = ServiceLifecycle.IsNextName(Path.GetFileName(folder), out _) ? Path.GetFileName(folder) : null,
            Technology = VagrantModule.Vagrant,
            State = state,

            // A machine of another provider than the one services now get must be made again: its hash cannot match.
            SpecHash = record is null ? null : record.Provider == current ? record.SpecHash : record.SpecHash + "/" + ProviderName(record.Provider),
            SpecJson = record?.Spec,
            IsAside = isAside,
            Ports = record?.Ports.OrderBy(p => p.HostPort).ToArray() ?? [],
            InstanceId = record?.InstanceId,
            ArtifactId = artifact,
            Version = record is null ? null
                : record.Provider == VagrantProvider.Docker ? $"{record.Image} (vagrant, docker)"
                : $"{record.Image}{(record.BoxVersion.Length > 0 ? " " + record.BoxVersion : "")} (vagrant, {ProviderName(record.Provider)})",
        };
    }

    /// <summary>The docker provider's container of the folder, when it exists and is this root's.</summary>
    private async Task<ContainerInspectResponse?> ContainerAsync(string folder, CancellationToken cancellationToken)
    {
        if (MachineId(folder, VagrantProvider.Docker) is not { } id)
        {
            return null;
        }

        var container = await _api.Containers.TryInspectAsync(id, cancellationToken);
        return container is not null && IsOurs(container) ? container : null;
    }

    private bool IsOurs(ContainerInspectResponse container) => DockerInspect.HasLabel(container.Config?.Labels, Vagrantfile.RootLabel, Root.Directory);

    private async Task RenameContainerAsync(string folder, VagrantRecord record, string newFolderName, CancellationToken cancellationToken)
    {
        if (record.Provider != VagrantProvider.Docker || await ContainerAsync(folder, cancellationToken) is not { } container)
        {
            return;
        }

        var newName = Vagrantfile.ContainerName(newFolderName);
        if ((container.Name ?? "").TrimStart('/') == newName)
        {
            return;
        }

        await _api.Containers.RenameAsync(container.ID, newName, m => Messages.FormatRenameFailed(DockerInspect.ContainerName(container), newName, m), cancellationToken);
    }

    /// <summary>The state <c>vagrant status --machine-readable</c> reports (<c>running</c>, <c>poweroff</c>, <c>not_created</c>...).</summary>
    private async Task<string?> BoxStateAsync(string folder, VagrantRecord record, CancellationToken cancellationToken)
    {
        var status = await VagrantAsync(folder, record, ["status", "--machine-readable"], cancellationToken);
        return status.StandardOutput.Split('\n')
            .Select(line => line.Split(','))
            .FirstOrDefault(fields => fields.Length >= 4 && fields[2] == "state")?[3].Trim();
    }

    /// <summary>The id of the docker provider's container whose logs are <paramref name="name"/>'s.</summary>
    /// <summary>The id of the docker provider's container in the project folder <paramref name="candidate"/>, or null.</summary>
    private async Task<string?> LogSourceAsync(string candidate, CancellationToken cancellationToken)
    {
        var folder = Path.Join(ProjectsDirectory, candidate);
        if (VagrantRecord.TryRead(folder) is not { } record)
        {
            return null;
        }

        return record.Provider != VagrantProvider.Docker
            ? throw new RuntimeFailureException(Messages.FormatLogsUnavailable(record.Name, ProviderName(record.Provider)))
            : (await ContainerAsync(folder, cancellationToken))?.ID;
    }

    private async Task DestroyQuietlyAsync(string folder, VagrantRecord record)
    {
        try
        {
            // Not cancellable: a cancelled creation must not leave a half-made machine behind.
            var id = MachineId(folder, record.Provider);
            await VagrantAsync(folder, record, ["destroy", "-f", "--no-color"], CancellationToken.None);
            if (record.Provider == VagrantProvider.Docker)
            {
                var left = id is not null
                    ? await _api.Containers.TryInspectAsync(id, CancellationToken.None)
                    : await _api.Containers.FindByExactNameAsync(Vagrantfile.ContainerName(record.Name), CancellationToken.None) is { } listed
                        ? await _api.Containers.TryInspectAsync(listed.ID, CancellationToken.None)
                        : null;
                if (left is not null && IsOurs(left))
                {
                    await _api.Containers.RemoveQuietlyAsync(left.ID);
                }
            }

            Directory.Delete(folder, recursive: true);
        }
        catch (Exception exception) when (exception is RuntimeFailureException or IOException or UnauthorizedAccessException)
        {
            // The creation failure is what the administrator needs to read; this one would only hide it.
        }
    }

    private static void Move(string from, string to)
    {
        if (Directory.Exists(to) || File.Exists(to))
        {
            throw new RuntimeFailureException(Messages.FormatRenameFailed(Path.GetFileName(from), Path.GetFileName(to), Messages.FormatAlreadyExists(to)));
        }

        try
        {
            Directory.Move(from, to);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new RuntimeFailureException(Messages.FormatRenameFailed(Path.GetFileName(from), Path.GetFileName(to), exception.Message), exception);
        }
    }

    /// <summary>vagrant's own explanation: its error paragraph on stderr (without the banner), else the last lines.</summary>
    private static string VagrantError(ToolResult result)
    {
        var text = result.StandardError.Trim().Length > 0 ? result.StandardError : result.StandardOutput;
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "?" : string.Join(" / ", lines.TakeLast(8));
    }

    internal static string ProviderName(VagrantProvider provider) => provider switch
    {
        VagrantProvider.Docker => "docker",
        VagrantProvider.Libvirt => "libvirt",
        _ => "virtualbox",
    };

    // ---------------------------------------------------------------- providers and artifacts

    private async Task<VagrantProvider> DetectProviderAsync(CancellationToken cancellationToken)
    {
        if (File.Exists(Options.LibvirtSocket) && FindProgram(Options.VagrantExecutable) is not null)
        {
            var plugins = await Tool.RunAsync(
                Options.VagrantExecutable,
                ["plugin", "list", "--machine-readable"],
                Options.ProbeTimeout,
                ToolMessages,
                cancellationToken,
                new Dictionary<string, string?> { ["VAGRANT_HOME"] = HomeDirectory, ["VAGRANT_CHECKPOINT_DISABLE"] = "1" },
                Root.Directory);
            if (plugins.Succeeded && plugins.StandardOutput.Contains(",plugin-name,vagrant-libvirt", StringComparison.Ordinal))
            {
                return VagrantProvider.Libvirt;
            }
        }

        if (FindProgram(Options.VirtualBoxManage) is not null)
        {
            try
            {
                if ((await Tool.RunAsync(Options.VirtualBoxManage, ["--version"], Options.ProbeTimeout, ToolMessages, cancellationToken)).Succeeded)
                {
                    return VagrantProvider.Virtualbox;
                }
            }
            catch (RuntimeFailureException)
            {
                // Not runnable: not usable.
            }
        }

        return VagrantProvider.Docker;
    }

    private async Task<string> PullImageAsync(ServiceSpec spec, bool refresh, IProgress<string> progress, CancellationToken cancellationToken)
    {
        var reference = Validation.ImageReference(spec.Url, spec.Tag, spec.Repository);
        if (!refresh && await _api.Images.TryInspectAsync(reference, cancellationToken) is { } present)
        {
            return present.ID;
        }

        progress.Report(Messages.FormatPulling(reference));
        var colon = reference.LastIndexOf(':');
        var errors = new PullErrors();
        await _api.Images.PullAsync(reference[..colon], reference[(colon + 1)..], errors, m => Messages.FormatPullFailed(reference, m), cancellationToken);
        if (errors.Error is { } error)
        {
            throw new RuntimeFailureException(Messages.FormatPullFailed(reference, error));
        }

        var image = await _api.Images.TryInspectAsync(reference, cancellationToken)
            ?? throw new RuntimeFailureException(Messages.FormatImageMissing(reference));
        progress.Report(Messages.FormatPulled(reference, DockerInspect.ShortId(image.ID)));
        return image.ID;
    }

    /// <summary>Box providers: <c>vagrant box add</c> when the box (at the version) is absent or <paramref name="refresh"/>; returns <c>box@version</c>.</summary>
    private async Task<string> AddBoxAsync(ServiceSpec spec, VagrantProvider provider, bool refresh, IProgress<string> progress, CancellationToken cancellationToken)
    {
        var box = Validation.BoxOrImageName(spec.Url);
        var version = spec.Tag is "" or "latest" ? "" : Validation.Tag(spec.Tag);
        var server = Validation.Registry(spec.Repository);
        var context = new VagrantRecord
        {
            Name = spec.Name,
            Root = Root.Directory,
            InstanceId = "",
            Spec = "",
            SpecHash = "",
            Index = spec.Index,
            Provider = provider,
            Image = box,
            BoxVersion = version,
            BoxServer = server,
            Artifact = "",
            PublishAddress = spec.PublishAddress,
            Ports = [],
            Volumes = [],
            Environment = [],
        };
        Directory.CreateDirectory(HomeDirectory);
        if (!refresh && await FindBoxAsync(box, version, provider, context, cancellationToken) is { } present)
        {
            return box + "@" + present;
        }

        progress.Report(Messages.FormatAddingBox(box, version.Length > 0 ? version : "latest", ProviderName(provider)));
        var arguments = new List<string> { "box", "add", "--no-color", "--provider", ProviderName(provider) };
        if (version.Length > 0)
        {
            arguments.AddRange(["--box-version", version]);
        }

        arguments.AddRange(["--", box]);
        var add = await VagrantAsync(HomeDirectory, context, arguments, cancellationToken);
        var found = await FindBoxAsync(box, version, provider, context, cancellationToken)
            ?? throw new RuntimeFailureException(Messages.FormatBoxAddFailed(box, VagrantError(add)));
        return box + "@" + found;
    }

    /// <summary>The newest installed version of <paramref name="box"/> for the provider (or exactly <paramref name="version"/>), or null.</summary>
    private async Task<string?> FindBoxAsync(string box, string version, VagrantProvider provider, VagrantRecord context, CancellationToken cancellationToken)
    {
        var list = await VagrantAsync(HomeDirectory, context, ["box", "list", "--machine-readable"], cancellationToken);
        var boxes = new List<(string Name, string Provider, string Version)>();
        string? name = null, boxProvider = null;
        foreach (var fields in list.StandardOutput.Split('\n').Select(l => l.Split(',')).Where(f => f.Length >= 4))
        {
            switch (fields[2])
            {
                case "box-name":
                    name = fields[3].Trim();
                    break;
                case "box-provider":
                    boxProvider = fields[3].Trim();
                    break;
                case "box-version" when name is not null && boxProvider is not null:
                    boxes.Add((name, boxProvider, fields[3].Trim()));
                    break;
            }
        }

        return boxes
            .Where(b => b.Name == box && b.Provider == ProviderName(provider) && (version.Length == 0 || b.Version == version))
            .Select(b => b.Version)
            .OrderByDescending(v => System.Version.TryParse(v, out var parsed) ? parsed : new System.Version(0, 0))
            .FirstOrDefault();
    }

    private static EngineHealth Health(ContainerInspectResponse container) => DockerInspect.Health(container);

    // ---------------------------------------------------------------- helpers

    private void EnsureTechnology(ServiceSpec spec)
    {
        if (!Technologies.Contains(spec.Technology))
        {
            throw new RuntimeFailureException(Messages.FormatUnsupportedTechnology(spec.Technology.Name));
        }
    }

    /// <summary>The environment with one entry per name, the last written winning (docker's rule).</summary>
    private static List<string> LastWins(IReadOnlyList<string> environment)
    {
        var merged = new List<string>();
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in environment)
        {
            var key = entry.Split('=', 2)[0];
            if (positions.TryGetValue(key, out var position))
            {
                merged[position] = entry;
            }
            else
            {
                positions[key] = merged.Count;
                merged.Add(entry);
            }
        }

        return merged;
    }

    /// <summary>The program's path: as given when it holds a slash, else looked up in PATH; null when absent.</summary>
    internal static string? FindProgram(string program)
    {
        if (program.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(program) ? program : null;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Join(directory, program))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>Collects a pull's first error (the Engine API reports it in the progress stream, not as a status).</summary>
    private sealed class PullErrors : IProgress<JSONMessage>
    {
        public string? Error { get; private set; }

        public void Report(JSONMessage value)
        {
            if (value.Error?.Message is { Length: > 0 } error)
            {
                Error ??= error;
            }
        }
    }
}
