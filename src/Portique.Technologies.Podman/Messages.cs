// Typed access to Resources/Messages*.resx (French neutral, English satellite).
using System.Globalization;
using System.Resources;

namespace Portique.Technologies.Podman;

internal static class Messages
{
    private static readonly ResourceManager Resources = new("Portique.Technologies.Podman.Resources.Messages", typeof(Messages).Assembly);

    private static string Format(string name, params object?[] args) =>
        string.Format(CultureInfo.CurrentCulture, Resources.GetString(name, CultureInfo.CurrentUICulture) ?? name, args);

    /// <summary>podman cannot be run ({0}: {1}): install the podman package (apt-get install podman)</summary>
    public static string NotInstalled(object? a0, object? a1) => Format(nameof(NotInstalled), a0, a1);

    /// <summary>podman is not answering ({0}): {1}</summary>
    public static string NotAnswering(object? a0, object? a1) => Format(nameof(NotAnswering), a0, a1);

    /// <summary>podman {0} did not finish within {1} s</summary>
    public static string TimedOut(object? a0, object? a1) => Format(nameof(TimedOut), a0, a1);

    /// <summary>Cannot write podman's configuration {0}: {1}</summary>
    public static string ConfigurationFailed(object? a0, object? a1) => Format(nameof(ConfigurationFailed), a0, a1);

    /// <summary>Pulling image {0}</summary>
    public static string Pulling(object? a0) => Format(nameof(Pulling), a0);

    /// <summary>Image {0} present ({1})</summary>
    public static string Pulled(object? a0, object? a1) => Format(nameof(Pulled), a0, a1);

    /// <summary>Pulling image {0} failed: {1}</summary>
    public static string PullFailed(object? a0, object? a1) => Format(nameof(PullFailed), a0, a1);

    /// <summary>Image {0} cannot be found after it was pulled</summary>
    public static string ImageMissing(object? a0) => Format(nameof(ImageMissing), a0);

    /// <summary>Cannot inspect image {0}: {1}</summary>
    public static string InspectImageFailed(object? a0, object? a1) => Format(nameof(InspectImageFailed), a0, a1);

    /// <summary>The podman driver does not run technology '{0}'</summary>
    public static string UnsupportedTechnology(object? a0) => Format(nameof(UnsupportedTechnology), a0);

    /// <summary>Invalid service name '{0}': lower-case letters, digits and dashes, 63 characters at most</summary>
    public static string InvalidServiceName(object? a0) => Format(nameof(InvalidServiceName), a0);

    /// <summary>Cannot create directory {0} for service {1}: {2}</summary>
    public static string VolumeDirectoryFailed(object? a0, object? a1, object? a2) => Format(nameof(VolumeDirectoryFailed), a0, a1, a2);

    /// <summary>Volume {0} → {1} cannot be bound by podman: its paths hold both ',' and ':'</summary>
    public static string VolumePathUnsupported(object? a0, object? a1) => Format(nameof(VolumePathUnsupported), a0, a1);

    /// <summary>A podman container named {0} already exists: {1}</summary>
    public static string ContainerNameTaken(object? a0, object? a1) => Format(nameof(ContainerNameTaken), a0, a1);

    /// <summary>Creating podman container {0} failed: {1}</summary>
    public static string CreateFailed(object? a0, object? a1) => Format(nameof(CreateFailed), a0, a1);

    /// <summary>Starting podman container {0} failed: {1}</summary>
    public static string StartFailed(object? a0, object? a1) => Format(nameof(StartFailed), a0, a1);

    /// <summary>Stopping podman container {0} failed: {1}</summary>
    public static string StopFailed(object? a0, object? a1) => Format(nameof(StopFailed), a0, a1);

    /// <summary>Renaming podman container {0} to {1} failed: {2}</summary>
    public static string RenameFailed(object? a0, object? a1, object? a2) => Format(nameof(RenameFailed), a0, a1, a2);

    /// <summary>Removing podman container {0} failed: {1}</summary>
    public static string RemoveFailed(object? a0, object? a1) => Format(nameof(RemoveFailed), a0, a1);

    /// <summary>Cannot inspect podman container {0}: {1}</summary>
    public static string InspectFailed(object? a0, object? a1) => Format(nameof(InspectFailed), a0, a1);

    /// <summary>Cannot list podman containers: {0}</summary>
    public static string ListFailed(object? a0) => Format(nameof(ListFailed), a0);

    /// <summary>Cannot read the logs of podman container {0}: {1}</summary>
    public static string LogsFailed(object? a0, object? a1) => Format(nameof(LogsFailed), a0, a1);

    /// <summary>No podman container {0} belongs to Portique root {1}</summary>
    public static string ContainerNotFound(object? a0, object? a1) => Format(nameof(ContainerNotFound), a0, a1);

    /// <summary>Podman container {0} does not belong to Portique root {1}</summary>
    public static string NotOwned(object? a0, object? a1) => Format(nameof(NotOwned), a0, a1);

    /// <summary>podman container {0} (image {1}) of Portique root {2}</summary>
    public static string ForeignHolderOwned(object? a0, object? a1, object? a2) => Format(nameof(ForeignHolderOwned), a0, a1, a2);

    /// <summary>podman container {0} (image {1}) not created by Portique</summary>
    public static string ForeignHolderUnlabelled(object? a0, object? a1) => Format(nameof(ForeignHolderUnlabelled), a0, a1);
}
