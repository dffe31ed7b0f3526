// Typed access to Resources/Messages*.resx (French neutral, English satellite). Keep the three files in step.
using System.Globalization;
using System.Resources;

namespace Portique.Technologies.Qemu;

internal static class Messages
{
    private static readonly ResourceManager Resources = new("Portique.Technologies.Qemu.Resources.Messages", typeof(Messages).Assembly);

    private static string Format(string name, params object?[] args) =>
        string.Format(CultureInfo.CurrentCulture, Resources.GetString(name, CultureInfo.CurrentUICulture) ?? name, args);

    /// <summary>{0} cannot be run ({1}): install the {2} package</summary>
    public static string ToolMissing(object? a0, object? a1, object? a2) => Format(nameof(ToolMissing), a0, a1, a2);

    /// <summary>{0} --version failed: {1}</summary>
    public static string ToolFailed(object? a0, object? a1) => Format(nameof(ToolFailed), a0, a1);

    /// <summary>{0} did not finish within {1} s</summary>
    public static string ToolTimedOut(object? a0, object? a1) => Format(nameof(ToolTimedOut), a0, a1);

    /// <summary>The qemu driver does not run technology '{0}'</summary>
    public static string UnsupportedTechnology(object? a0) => Format(nameof(UnsupportedTechnology), a0);

    /// <summary>Invalid service name '{0}': lower-case letters, digits and dashes, 63 characters at most</summary>
    public static string InvalidServiceName(object? a0) => Format(nameof(InvalidServiceName), a0);

    /// <summary>Invalid disk image name '{0}': a file name (no folder) ending in .qcow2, .img or .raw</summary>
    public static string InvalidImageName(object? a0) => Format(nameof(InvalidImageName), a0);

    /// <summary>Invalid version (tag) '{0}': letters, digits, '_', '.' and '-', not starting with '.' or '-'</summary>
    public static string InvalidTag(object? a0) => Format(nameof(InvalidTag), a0);

    /// <summary>Invalid publish address '{0}': qemu publishes on an IPv4 address only</summary>
    public static string InvalidPublishAddress(object? a0) => Format(nameof(InvalidPublishAddress), a0);

    /// <summary>Invalid port {0}: between 1 and 65535</summary>
    public static string InvalidPort(object? a0) => Format(nameof(InvalidPort), a0);

    /// <summary>Invalid shared folder path '{0}': absolute, without control characters (nor blanks on the guest side)</summary>
    public static string InvalidVolume(object? a0) => Format(nameof(InvalidVolume), a0);

    /// <summary>Invalid environment entry '{0}': KEY=VALUE on one line</summary>
    public static string InvalidEnvironment(object? a0) => Format(nameof(InvalidEnvironment), a0);

    /// <summary>Invalid download address '{0}': an absolute http(s) URL without a query</summary>
    public static string BadRepository(object? a0) => Format(nameof(BadRepository), a0);

    /// <summary>Downloading {0}</summary>
    public static string Downloading(object? a0) => Format(nameof(Downloading), a0);

    /// <summary>Image {0} version {1} cached ({2}, sha256 {3})</summary>
    public static string Downloaded(object? a0, object? a1, object? a2, object? a3) => Format(nameof(Downloaded), a0, a1, a2, a3);

    /// <summary>Downloading {0} failed: {1}</summary>
    public static string DownloadFailed(object? a0, object? a1) => Format(nameof(DownloadFailed), a0, a1);

    /// <summary>timed out after {0} s</summary>
    public static string TimedOut(object? a0) => Format(nameof(TimedOut), a0);

    /// <summary>Checksum of {0} verified ({1})</summary>
    public static string ChecksumVerified(object? a0, object? a1) => Format(nameof(ChecksumVerified), a0, a1);

    /// <summary>No checksum published for {0} (neither .sha256 nor SHA256SUMS): image accepted unverified</summary>
    public static string NoChecksumPublished(object? a0) => Format(nameof(NoChecksumPublished), a0);

    /// <summary>The checksum of {0} does not match {1}: expected {2}, got {3}; the image is rejected, nothing changed</summary>
    public static string ChecksumMismatch(object? a0, object? a1, object? a2, object? a3) => Format(nameof(ChecksumMismatch), a0, a1, a2, a3);

    /// <summary>Unreadable checksum at {0}</summary>
    public static string ChecksumUnreadable(object? a0) => Format(nameof(ChecksumUnreadable), a0);

    /// <summary>Image {0} version {1} is already cached from {2} and {3} serves a different one: give this image another version (tag)</summary>
    public static string TagConflict(object? a0, object? a1, object? a2, object? a3) => Format(nameof(TagConflict), a0, a1, a2, a3);

    /// <summary>qemu-img cannot read the image {0}: {1}</summary>
    public static string ImageUnreadable(object? a0, object? a1) => Format(nameof(ImageUnreadable), a0, a1);

    /// <summary>The image {0} is in format '{1}': only qcow2 and raw are accepted, and a .qcow2 file must be qcow2</summary>
    public static string ImageFormatRefused(object? a0, object? a1) => Format(nameof(ImageFormatRefused), a0, a1);

    /// <summary>The image {0} refers to another file (backing or data file): refused, a downloaded image must not read host files</summary>
    public static string ImageHasBackingFile(object? a0) => Format(nameof(ImageHasBackingFile), a0);

    /// <summary>Image {0} version {1} is not (or no longer) the one downloaded</summary>
    public static string ImageMissing(object? a0, object? a1) => Format(nameof(ImageMissing), a0, a1);

    /// <summary>A virtual machine {0} already exists ({1})</summary>
    public static string VmNameTaken(object? a0, object? a1) => Format(nameof(VmNameTaken), a0, a1);

    /// <summary>folder {0} without a Portique record of this root</summary>
    public static string ForeignFolder(object? a0) => Format(nameof(ForeignFolder), a0);

    /// <summary>qemu process {0} using {1}</summary>
    public static string ForeignProcess(object? a0, object? a1) => Format(nameof(ForeignProcess), a0, a1);

    /// <summary>Creating the disk of {0} (qemu-img create) failed: {1}</summary>
    public static string OverlayFailed(object? a0, object? a1) => Format(nameof(OverlayFailed), a0, a1);

    /// <summary>Cannot change the state of virtual machine {0}: {1}</summary>
    public static string StateFailed(object? a0, object? a1) => Format(nameof(StateFailed), a0, a1);

    /// <summary>Starting virtual machine {0} failed: {1}</summary>
    public static string LaunchFailed(object? a0, object? a1) => Format(nameof(LaunchFailed), a0, a1);

    /// <summary>no live qemu process behind {0}</summary>
    public static string NoProcess(object? a0) => Format(nameof(NoProcess), a0);

    /// <summary>Virtual machine {0} (process {1}) does not stop</summary>
    public static string StopFailed(object? a0, object? a1) => Format(nameof(StopFailed), a0, a1);

    /// <summary>Virtual machine {0} is set aside: restore it rather than start it</summary>
    public static string VmIsAside(object? a0) => Format(nameof(VmIsAside), a0);

    /// <summary>A virtual machine {0} is already set aside ({1})</summary>
    public static string AsideExists(object? a0, object? a1) => Format(nameof(AsideExists), a0, a1);

    /// <summary>No virtual machine {0} belongs to Portique root {1}</summary>
    public static string VmNotFound(object? a0, object? a1) => Format(nameof(VmNotFound), a0, a1);

    /// <summary>Portique root {0} is too deep to hold the QMP control socket (108 bytes at most)</summary>
    public static string RootTooDeep(object? a0) => Format(nameof(RootTooDeep), a0);

    /// <summary>Cannot create directory {0} for service {1}: {2}</summary>
    public static string VolumeDirectoryFailed(object? a0, object? a1, object? a2) => Format(nameof(VolumeDirectoryFailed), a0, a1, a2);

    /// <summary>Cannot read the console of virtual machine {0}: {1}</summary>
    public static string LogsFailed(object? a0, object? a1) => Format(nameof(LogsFailed), a0, a1);
}
