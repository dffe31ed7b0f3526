// Typed access to Resources/Messages*.resx (French neutral, English satellite).
using System.Globalization;
using System.Resources;

namespace Portique.Technologies.Docker;

internal static class Messages
{
    private static readonly ResourceManager Resources = new("Portique.Technologies.Docker.Resources.Messages", typeof(Messages).Assembly);

    private static string Format(string name, params object?[] args) =>
        string.Format(CultureInfo.CurrentCulture, Resources.GetString(name, CultureInfo.CurrentUICulture) ?? name, args);

    /// <summary>dockerd is not answering on {0}: {1}</summary>
    public static string DaemonUnreachable(object? a0, object? a1) => Format(nameof(DaemonUnreachable), a0, a1);

    /// <summary>dockerd on {0} refused the request: {1}</summary>
    public static string DaemonRefused(object? a0, object? a1) => Format(nameof(DaemonRefused), a0, a1);

    /// <summary>dockerd on {0} speaks Docker API {1}; Portique needs at least {2}</summary>
    public static string ApiTooOld(object? a0, object? a1, object? a2) => Format(nameof(ApiTooOld), a0, a1, a2);

    /// <summary>Pulling image {0}</summary>
    public static string Pulling(object? a0) => Format(nameof(Pulling), a0);

    /// <summary>Image {0} present ({1})</summary>
    public static string Pulled(object? a0, object? a1) => Format(nameof(Pulled), a0, a1);

    /// <summary>Pulling image {0} failed: {1}</summary>
    public static string PullFailed(object? a0, object? a1) => Format(nameof(PullFailed), a0, a1);

    /// <summary>Image {0} cannot be found after it was pulled or built</summary>
    public static string ImageMissing(object? a0) => Format(nameof(ImageMissing), a0);

    public static string NetworkFailed(object? a0, object? a1) => Format(nameof(NetworkFailed), a0, a1);

    /// <summary>Cannot inspect image {0}: {1}</summary>
    public static string InspectImageFailed(object? a0, object? a1) => Format(nameof(InspectImageFailed), a0, a1);

    /// <summary>git cannot be run ({0}): install the git package</summary>
    public static string GitNotInstalled(object? a0) => Format(nameof(GitNotInstalled), a0);

    /// <summary>git {0} failed for repository {1}: {2}</summary>
    public static string GitFailed(object? a0, object? a1, object? a2) => Format(nameof(GitFailed), a0, a1, a2);

    /// <summary>Cannot update repository {0} ({1}): using the local copy</summary>
    public static string GitFetchFallback(object? a0, object? a1) => Format(nameof(GitFetchFallback), a0, a1);

    /// <summary>Git ref '{0}' not found in repository {1}</summary>
    public static string GitRefMissing(object? a0, object? a1) => Format(nameof(GitRefMissing), a0, a1);

    /// <summary>Invalid git ref '{0}'</summary>
    public static string GitRefInvalid(object? a0) => Format(nameof(GitRefInvalid), a0);

    /// <summary>Invalid service name '{0}': lower-case letters, digits and dashes, 63 characters at most</summary>
    public static string InvalidServiceName(object? a0) => Format(nameof(InvalidServiceName), a0);

    /// <summary>Building image {0} from {1} (commit {2})</summary>
    public static string Building(object? a0, object? a1, object? a2) => Format(nameof(Building), a0, a1, a2);

    /// <summary>Image {0} already built for commit {1}</summary>
    public static string BuildReused(object? a0, object? a1) => Format(nameof(BuildReused), a0, a1);

    /// <summary>Building image {0} from {1} (commit {2}) failed: {3}</summary>
    public static string BuildFailed(object? a0, object? a1, object? a2, object? a3) => Format(nameof(BuildFailed), a0, a1, a2, a3);

    /// <summary>Last build output lines:</summary>
    public static string BuildLastLines() => Format(nameof(BuildLastLines));

    /// <summary>The docker driver does not run technology '{0}'</summary>
    public static string UnsupportedTechnology(object? a0) => Format(nameof(UnsupportedTechnology), a0);

    /// <summary>Cannot create directory {0} for service {1}: {2}</summary>
    public static string VolumeDirectoryFailed(object? a0, object? a1, object? a2) => Format(nameof(VolumeDirectoryFailed), a0, a1, a2);

    /// <summary>A container named {0} already exists: {1}</summary>
    public static string ContainerNameTaken(object? a0, object? a1) => Format(nameof(ContainerNameTaken), a0, a1);

    /// <summary>Creating container {0} failed: {1}</summary>
    public static string CreateFailed(object? a0, object? a1) => Format(nameof(CreateFailed), a0, a1);

    /// <summary>Starting container {0} failed: {1}</summary>
    public static string StartFailed(object? a0, object? a1) => Format(nameof(StartFailed), a0, a1);

    /// <summary>Stopping container {0} failed: {1}</summary>
    public static string StopFailed(object? a0, object? a1) => Format(nameof(StopFailed), a0, a1);

    /// <summary>Renaming container {0} to {1} failed: {2}</summary>
    public static string RenameFailed(object? a0, object? a1, object? a2) => Format(nameof(RenameFailed), a0, a1, a2);

    /// <summary>Removing container {0} failed: {1}</summary>
    public static string RemoveFailed(object? a0, object? a1) => Format(nameof(RemoveFailed), a0, a1);

    /// <summary>Cannot inspect container {0}: {1}</summary>
    public static string InspectFailed(object? a0, object? a1) => Format(nameof(InspectFailed), a0, a1);

    /// <summary>Cannot list containers: {0}</summary>
    public static string ListFailed(object? a0) => Format(nameof(ListFailed), a0);

    /// <summary>Cannot read the logs of container {0}: {1}</summary>
    public static string LogsFailed(object? a0, object? a1) => Format(nameof(LogsFailed), a0, a1);

    /// <summary>No container {0} belongs to Portique root {1}</summary>
    public static string ContainerNotFound(object? a0, object? a1) => Format(nameof(ContainerNotFound), a0, a1);

    /// <summary>Container {0} does not belong to Portique root {1}</summary>
    public static string NotOwned(object? a0, object? a1) => Format(nameof(NotOwned), a0, a1);

    /// <summary>container {0} (image {1}) of Portique root {2}</summary>
    public static string ForeignHolderOwned(object? a0, object? a1, object? a2) => Format(nameof(ForeignHolderOwned), a0, a1, a2);

    /// <summary>container {0} (image {1}) not created by Portique</summary>
    public static string ForeignHolderUnlabelled(object? a0, object? a1) => Format(nameof(ForeignHolderUnlabelled), a0, a1);
}
