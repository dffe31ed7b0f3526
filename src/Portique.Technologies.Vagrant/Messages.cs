// Typed access to Resources/Messages*.resx (French neutral, English satellite).
using System.Globalization;
using System.Resources;

namespace Portique.Technologies.Vagrant;

internal static class Messages
{
    private static readonly ResourceManager Resources = new("Portique.Technologies.Vagrant.Resources.Messages", typeof(Messages).Assembly);

    private static string Format(string name, params object?[] args) =>
        string.Format(CultureInfo.CurrentCulture, Resources.GetString(name, CultureInfo.CurrentUICulture) ?? name, args);

    /// <summary>vagrant is not installed ({0} not found): install the vagrant package</summary>
    public static string VagrantMissing(object? a0) => Format(nameof(VagrantMissing), a0);

    /// <summary>vagrant's docker provider needs the docker program ({0} not found): install the docker.io package</summary>
    public static string DockerCliMissing(object? a0) => Format(nameof(DockerCliMissing), a0);

    /// <summary>dockerd (vagrant's docker provider) is not answering on {0}: {1}</summary>
    public static string DockerUnreachable(object? a0, object? a1) => Format(nameof(DockerUnreachable), a0, a1);

    /// <summary>program {0} cannot be run: {1}</summary>
    public static string ProgramMissing(object? a0, object? a1) => Format(nameof(ProgramMissing), a0, a1);

    /// <summary>command '{0}' did not finish within {1} s</summary>
    public static string CommandTimedOut(object? a0, object? a1) => Format(nameof(CommandTimedOut), a0, a1);

    /// <summary>Invalid service name '{0}': lower-case letters, digits and dashes, 63 characters at most</summary>
    public static string InvalidServiceName(object? a0) => Format(nameof(InvalidServiceName), a0);

    /// <summary>Invalid image or box name '{0}'</summary>
    public static string InvalidImageName(object? a0) => Format(nameof(InvalidImageName), a0);

    /// <summary>Invalid tag or version '{0}'</summary>
    public static string InvalidTag(object? a0) => Format(nameof(InvalidTag), a0);

    /// <summary>Invalid registry or box server '{0}': host[:port] expected</summary>
    public static string InvalidRegistry(object? a0) => Format(nameof(InvalidRegistry), a0);

    /// <summary>Invalid publication address '{0}': an IP address is expected</summary>
    public static string InvalidPublishAddress(object? a0) => Format(nameof(InvalidPublishAddress), a0);

    /// <summary>Invalid port {0} for service {1}</summary>
    public static string InvalidPort(object? a0, object? a1) => Format(nameof(InvalidPort), a0, a1);

    /// <summary>Invalid path '{0}' for service {1}: an absolute path without '..', ':' or control characters is expected</summary>
    public static string InvalidPath(object? a0, object? a1) => Format(nameof(InvalidPath), a0, a1);

    /// <summary>Invalid environment variable '{0}' for service {1}</summary>
    public static string InvalidEnvironment(object? a0, object? a1) => Format(nameof(InvalidEnvironment), a0, a1);

    /// <summary>Invalid value '{0}': a NUL character cannot be written into a Vagrantfile</summary>
    public static string InvalidValue(object? a0) => Format(nameof(InvalidValue), a0);

    /// <summary>The vagrant driver does not run technology '{0}'</summary>
    public static string UnsupportedTechnology(object? a0) => Format(nameof(UnsupportedTechnology), a0);

    /// <summary>Pulling image {0} (vagrant, docker provider)</summary>
    public static string Pulling(object? a0) => Format(nameof(Pulling), a0);

    /// <summary>Image {0} present ({1})</summary>
    public static string Pulled(object? a0, object? a1) => Format(nameof(Pulled), a0, a1);

    /// <summary>Pulling image {0} failed: {1}</summary>
    public static string PullFailed(object? a0, object? a1) => Format(nameof(PullFailed), a0, a1);

    /// <summary>Image {0} cannot be found after it was pulled</summary>
    public static string ImageMissing(object? a0) => Format(nameof(ImageMissing), a0);

    /// <summary>Adding box {0} ({1}, {2} provider)</summary>
    public static string AddingBox(object? a0, object? a1, object? a2) => Format(nameof(AddingBox), a0, a1, a2);

    /// <summary>Adding box {0} failed: {1}</summary>
    public static string BoxAddFailed(object? a0, object? a1) => Format(nameof(BoxAddFailed), a0, a1);

    /// <summary>A vagrant machine named {0} already exists ({1})</summary>
    public static string NameTaken(object? a0, object? a1) => Format(nameof(NameTaken), a0, a1);

    /// <summary>Docker container {0} already exists ({1}): it prevents creating the vagrant machine</summary>
    public static string ContainerNameTaken(object? a0, object? a1) => Format(nameof(ContainerNameTaken), a0, a1);

    /// <summary>'vagrant up' failed for service {0}: {1}</summary>
    public static string UpFailed(object? a0, object? a1) => Format(nameof(UpFailed), a0, a1);

    /// <summary>'vagrant halt' failed for service {0}: {1}</summary>
    public static string HaltFailed(object? a0, object? a1) => Format(nameof(HaltFailed), a0, a1);

    /// <summary>Renaming vagrant machine {0} to {1} failed: {2}</summary>
    public static string RenameFailed(object? a0, object? a1, object? a2) => Format(nameof(RenameFailed), a0, a1, a2);

    /// <summary>{0} already exists</summary>
    public static string AlreadyExists(object? a0) => Format(nameof(AlreadyExists), a0);

    /// <summary>Removing vagrant machine {0} failed: {1}</summary>
    public static string RemoveFailed(object? a0, object? a1) => Format(nameof(RemoveFailed), a0, a1);

    /// <summary>Cannot create directory {0} for service {1}: {2}</summary>
    public static string VolumeDirectoryFailed(object? a0, object? a1, object? a2) => Format(nameof(VolumeDirectoryFailed), a0, a1, a2);

    /// <summary>Cannot inspect {0}: {1}</summary>
    public static string InspectFailed(object? a0, object? a1) => Format(nameof(InspectFailed), a0, a1);

    /// <summary>Cannot list docker containers: {0}</summary>
    public static string ListFailed(object? a0) => Format(nameof(ListFailed), a0);

    /// <summary>Cannot read the logs of vagrant machine {0}: {1}</summary>
    public static string LogsFailed(object? a0, object? a1) => Format(nameof(LogsFailed), a0, a1);

    /// <summary>The logs of vagrant machine {0} cannot be read by Portique with the {1} provider: use 'vagrant ssh' in its folder</summary>
    public static string LogsUnavailable(object? a0, object? a1) => Format(nameof(LogsUnavailable), a0, a1);

    /// <summary>No vagrant machine {0} belongs to Portique root {1}</summary>
    public static string MachineNotFound(object? a0, object? a1) => Format(nameof(MachineNotFound), a0, a1);

    /// <summary>File {0} cannot be read: Portique no longer knows what this machine holds</summary>
    public static string RecordUnreadable(object? a0) => Format(nameof(RecordUnreadable), a0);

    /// <summary>vagrant folder {0} not created by Portique</summary>
    public static string ForeignFolder(object? a0) => Format(nameof(ForeignFolder), a0);

    /// <summary>docker container {0} ({1}) of Portique root {2}</summary>
    public static string ForeignContainerOwned(object? a0, object? a1, object? a2) => Format(nameof(ForeignContainerOwned), a0, a1, a2);

    /// <summary>docker container {0} ({1}, image {2}) not created by Portique</summary>
    public static string ForeignContainer(object? a0, object? a1, object? a2) => Format(nameof(ForeignContainer), a0, a1, a2);
}
