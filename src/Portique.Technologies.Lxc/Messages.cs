// Typed access to Resources/Messages*.resx (French neutral, English satellite).
using System.Globalization;
using System.Resources;

namespace Portique.Technologies.Lxc;

internal static class Messages
{
    private static readonly ResourceManager Resources = new("Portique.Technologies.Lxc.Resources.Messages", typeof(Messages).Assembly);

    private static string Format(string name, params object?[] args) =>
        string.Format(CultureInfo.CurrentCulture, Resources.GetString(name, CultureInfo.CurrentUICulture) ?? name, args);

    /// <summary>lxc needs root (privileged containers): run Portique as root</summary>
    public static string NeedsRoot() => Format(nameof(NeedsRoot));

    /// <summary>lxc is not installed ({0} not found): install the lxc package</summary>
    public static string LxcMissing(object? a0) => Format(nameof(LxcMissing), a0);

    /// <summary>skopeo is not installed ({0} not found): install the skopeo package</summary>
    public static string SkopeoMissing(object? a0) => Format(nameof(SkopeoMissing), a0);

    /// <summary>umoci is not installed ({0} not found): install the umoci package</summary>
    public static string UmociMissing(object? a0) => Format(nameof(UmociMissing), a0);

    /// <summary>nginx cannot be found ({0}): install the nginx package (it publishes the lxc containers' ports)</summary>
    public static string NginxMissing(object? a0) => Format(nameof(NginxMissing), a0);

    /// <summary>nginx's stream module cannot be found ({0}): install the libnginx-mod-stream package</summary>
    public static string StreamModuleMissing(object? a0) => Format(nameof(StreamModuleMissing), a0);

    /// <summary>bridge {0} does not exist and {1}, which creates it, cannot be found: install the lxc package</summary>
    public static string BridgeUnavailable(object? a0, object? a1) => Format(nameof(BridgeUnavailable), a0, a1);

    /// <summary>bridge {0} is still missing after '{1}': {2}</summary>
    public static string BridgeMissing(object? a0, object? a1, object? a2) => Format(nameof(BridgeMissing), a0, a1, a2);

    /// <summary>program {0} cannot be run: {1}</summary>
    public static string ProgramMissing(object? a0, object? a1) => Format(nameof(ProgramMissing), a0, a1);

    /// <summary>command '{0}' did not finish within {1} s</summary>
    public static string CommandTimedOut(object? a0, object? a1) => Format(nameof(CommandTimedOut), a0, a1);

    /// <summary>Invalid service name '{0}': lower-case letters, digits and dashes, 63 characters at most</summary>
    public static string InvalidServiceName(object? a0) => Format(nameof(InvalidServiceName), a0);

    /// <summary>Invalid image name '{0}'</summary>
    public static string InvalidImageName(object? a0) => Format(nameof(InvalidImageName), a0);

    /// <summary>Invalid image tag '{0}'</summary>
    public static string InvalidImageTag(object? a0) => Format(nameof(InvalidImageTag), a0);

    /// <summary>Invalid registry '{0}': host[:port] expected</summary>
    public static string InvalidRegistry(object? a0) => Format(nameof(InvalidRegistry), a0);

    /// <summary>Invalid publication address '{0}': an IP address is expected</summary>
    public static string InvalidPublishAddress(object? a0) => Format(nameof(InvalidPublishAddress), a0);

    /// <summary>Invalid port {0} for service {1}</summary>
    public static string InvalidPort(object? a0, object? a1) => Format(nameof(InvalidPort), a0, a1);

    /// <summary>Invalid path '{0}' for service {1}: an absolute path without '..' or control characters is expected</summary>
    public static string InvalidPath(object? a0, object? a1) => Format(nameof(InvalidPath), a0, a1);

    /// <summary>{0}: a value spanning lines, holding a control character or with surrounding spaces cannot be passed to an lxc container</summary>
    public static string InvalidConfigValue(object? a0) => Format(nameof(InvalidConfigValue), a0);

    /// <summary>folder {0} holds characters skopeo, umoci or nginx cannot read (spaces, quotes, ':', ';'...): choose another Portique root</summary>
    public static string UnsafeStatePath(object? a0) => Format(nameof(UnsafeStatePath), a0);

    /// <summary>The lxc driver does not run technology '{0}'</summary>
    public static string UnsupportedTechnology(object? a0) => Format(nameof(UnsupportedTechnology), a0);

    /// <summary>Pulling image {0} into the lxc image cache</summary>
    public static string Pulling(object? a0) => Format(nameof(Pulling), a0);

    /// <summary>Image {0} present in the lxc image cache ({1})</summary>
    public static string Pulled(object? a0, object? a1) => Format(nameof(Pulled), a0, a1);

    /// <summary>Pulling image {0} failed: {1}</summary>
    public static string PullFailed(object? a0, object? a1) => Format(nameof(PullFailed), a0, a1);

    /// <summary>tag {0} is missing from {1}</summary>
    public static string NotInLayout(object? a0, object? a1) => Format(nameof(NotInLayout), a0, a1);

    /// <summary>Image {0} ({1}) is not in the lxc image cache: it must be fetched first</summary>
    public static string ImageNotCached(object? a0, object? a1) => Format(nameof(ImageNotCached), a0, a1);

    /// <summary>The configuration of image {0} cannot be read: {1}</summary>
    public static string ImageUnreadable(object? a0, object? a1) => Format(nameof(ImageUnreadable), a0, a1);

    /// <summary>Unpacking image {0} failed: {1}</summary>
    public static string UnpackFailed(object? a0, object? a1) => Format(nameof(UnpackFailed), a0, a1);

    /// <summary>Image {0} declares no command (neither ENTRYPOINT nor CMD): an lxc application container cannot run it</summary>
    public static string NoCommand(object? a0) => Format(nameof(NoCommand), a0);

    /// <summary>User or group '{0}' asked for by image {1} is unknown to the image</summary>
    public static string UnknownUser(object? a0, object? a1) => Format(nameof(UnknownUser), a0, a1);

    /// <summary>Cannot create directory {0} for service {1}: {2}</summary>
    public static string VolumeDirectoryFailed(object? a0, object? a1, object? a2) => Format(nameof(VolumeDirectoryFailed), a0, a1, a2);

    /// <summary>An lxc container named {0} already exists ({1})</summary>
    public static string ContainerNameTaken(object? a0, object? a1) => Format(nameof(ContainerNameTaken), a0, a1);

    /// <summary>Address range {0} - {1} is not inside the bridge's network ({2})</summary>
    public static string PoolInvalid(object? a0, object? a1, object? a2) => Format(nameof(PoolInvalid), a0, a1, a2);

    /// <summary>No free address left for service {0}: every address from {1} to {2} on {3} is taken</summary>
    public static string PoolExhausted(object? a0, object? a1, object? a2, object? a3) => Format(nameof(PoolExhausted), a0, a1, a2, a3);

    /// <summary>The lxc address lock {0} stayed busy for more than {1} s (another Portique creating an lxc container?)</summary>
    public static string AddressLockBusy(object? a0, object? a1) => Format(nameof(AddressLockBusy), a0, a1);

    /// <summary>Address {1} of service {0} already answers on {2}: another machine or container uses it</summary>
    public static string AddressInUse(object? a0, object? a1, object? a2) => Format(nameof(AddressInUse), a0, a1, a2);

    /// <summary>Starting lxc container {0} failed: {1}</summary>
    public static string StartFailed(object? a0, object? a1) => Format(nameof(StartFailed), a0, a1);

    /// <summary>Stopping lxc container {0} failed: {1}</summary>
    public static string StopFailed(object? a0, object? a1) => Format(nameof(StopFailed), a0, a1);

    /// <summary>Renaming lxc container {0} to {1} failed: {2}</summary>
    public static string RenameFailed(object? a0, object? a1, object? a2) => Format(nameof(RenameFailed), a0, a1, a2);

    /// <summary>{0} already exists</summary>
    public static string AlreadyExists(object? a0) => Format(nameof(AlreadyExists), a0);

    /// <summary>Removing lxc container {0} failed: {1}</summary>
    public static string RemoveFailed(object? a0, object? a1) => Format(nameof(RemoveFailed), a0, a1);

    /// <summary>{0} is still mounted</summary>
    public static string StillMounted(object? a0) => Format(nameof(StillMounted), a0);

    /// <summary>Cannot list lxc containers: {0}</summary>
    public static string ListFailed(object? a0) => Format(nameof(ListFailed), a0);

    /// <summary>Cannot read the logs of lxc container {0}: {1}</summary>
    public static string LogsFailed(object? a0, object? a1) => Format(nameof(LogsFailed), a0, a1);

    /// <summary>No lxc container {0} belongs to Portique root {1}</summary>
    public static string ContainerNotFound(object? a0, object? a1) => Format(nameof(ContainerNotFound), a0, a1);

    /// <summary>File {0} cannot be read: Portique no longer knows what this container holds</summary>
    public static string RecordUnreadable(object? a0) => Format(nameof(RecordUnreadable), a0);

    /// <summary>lxc container {0} not created by Portique</summary>
    public static string ForeignHolder(object? a0) => Format(nameof(ForeignHolder), a0);

    /// <summary>Host port {1} of service {0} is already in use by another program</summary>
    public static string PortInUse(object? a0, object? a1) => Format(nameof(PortInUse), a0, a1);

    /// <summary>nginx rejects the lxc port publication configuration: {0}</summary>
    public static string ProxyRejected(object? a0) => Format(nameof(ProxyRejected), a0);

    /// <summary>Starting the nginx that publishes the lxc ports failed: {0}</summary>
    public static string ProxyStartFailed(object? a0) => Format(nameof(ProxyStartFailed), a0);

    /// <summary>nginx did not apply the lxc port publication: {0}</summary>
    public static string ProxyReloadFailed(object? a0) => Format(nameof(ProxyReloadFailed), a0);

    /// <summary>The nginx publishing the lxc ports (pid {0}) did not stop within {1} s</summary>
    public static string ProxyStopFailed(object? a0, object? a1) => Format(nameof(ProxyStopFailed), a0, a1);

    /// <summary>see {0}</summary>
    public static string SeeLog(object? a0) => Format(nameof(SeeLog), a0);

    /// <summary>no detail</summary>
    public static string NoDetail() => Format(nameof(NoDetail));
}
