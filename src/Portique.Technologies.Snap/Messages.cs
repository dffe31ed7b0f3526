// Typed access to Resources/Messages*.resx (French neutral, English satellite). Keep the three files in step.
using System.Globalization;
using System.Resources;

namespace Portique.Technologies.Snap;

internal static class Messages
{
    private static readonly ResourceManager Resources = new("Portique.Technologies.Snap.Resources.Messages", typeof(Messages).Assembly);

    private static string Format(string name, params object?[] args) =>
        string.Format(CultureInfo.CurrentCulture, Resources.GetString(name, CultureInfo.CurrentUICulture) ?? name, args);

    /// <summary>snapd is not running: its socket {0} does not exist.</summary>
    public static string NoSocket(object? a0) => Format(nameof(NoSocket), a0);

    /// <summary>snapd needs systemd as PID 1, and PID 1 here is '{0}': snaps cannot run on this host.</summary>
    public static string NoSystemd(object? a0) => Format(nameof(NoSystemd), a0);

    /// <summary>snapd is not answering on {0}: {1}</summary>
    public static string SnapdNotAnswering(object? a0, object? a1) => Format(nameof(SnapdNotAnswering), a0, a1);

    /// <summary>the answer is not snapd's ({0})</summary>
    public static string NotSnapd(object? a0) => Format(nameof(NotSnapd), a0);

    /// <summary>unexpected answer from snapd for {0}</summary>
    public static string UnexpectedAnswer(object? a0) => Format(nameof(UnexpectedAnswer), a0);

    /// <summary>timed out after {0} s</summary>
    public static string TimedOut(object? a0) => Format(nameof(TimedOut), a0);

    /// <summary>snapd: change {0} '{1}' ended {2}: {3}</summary>
    public static string ChangeFailed(object? a0, object? a1, object? a2, object? a3) => Format(nameof(ChangeFailed), a0, a1, a2, a3);

    /// <summary>snapd: change {0} did not finish within {1} s (status {2})</summary>
    public static string ChangeTimedOut(object? a0, object? a1, object? a2) => Format(nameof(ChangeTimedOut), a0, a1, a2);

    /// <summary>Cannot write the state of service {0}: {1}</summary>
    public static string StateFailed(object? a0, object? a1) => Format(nameof(StateFailed), a0, a1);

    /// <summary>file {0} that is not a Portique record of this root</summary>
    public static string ForeignRecord(object? a0) => Format(nameof(ForeignRecord), a0);

    /// <summary>Service {0} already has a snap installed ({1})</summary>
    public static string NameTaken(object? a0, object? a1) => Format(nameof(NameTaken), a0, a1);

    /// <summary>Snap {0} is already installed for service {1}: a snap serves one service only</summary>
    public static string SnapHeldByService(object? a0, object? a1) => Format(nameof(SnapHeldByService), a0, a1);

    /// <summary>Snap {0} is already installed, but not by Portique: Portique does not take over a snap it did not install (remove it or choose another snap)</summary>
    public static string SnapNotOwned(object? a0) => Format(nameof(SnapNotOwned), a0);

    /// <summary>Snap {0} is no longer installed</summary>
    public static string SnapMissing(object? a0) => Format(nameof(SnapMissing), a0);

    /// <summary>Service {0} is set aside: restore it rather than start it</summary>
    public static string IsAside(object? a0) => Format(nameof(IsAside), a0);

    /// <summary>Service {0} already has a snap set aside ({1})</summary>
    public static string AsideExists(object? a0, object? a1) => Format(nameof(AsideExists), a0, a1);

    /// <summary>Cannot read the logs of service {0}: {1}</summary>
    public static string LogsFailed(object? a0, object? a1) => Format(nameof(LogsFailed), a0, a1);

    /// <summary>Invalid service name '{0}': lower-case letters, digits and dashes, 63 characters at most</summary>
    public static string InvalidServiceName(object? a0) => Format(nameof(InvalidServiceName), a0);

    /// <summary>No snap of service {0} belongs to Portique root {1}</summary>
    public static string ServiceNotFound(object? a0, object? a1) => Format(nameof(ServiceNotFound), a0, a1);

    /// <summary>Invalid snap name '{0}': lower-case letters, digits and single dashes, 40 characters at most</summary>
    public static string InvalidSnapName(object? a0) => Format(nameof(InvalidSnapName), a0);

    /// <summary>Invalid snap channel or revision '{0}' (examples: latest/stable, 2.1/edge, 1234)</summary>
    public static string InvalidChannel(object? a0) => Format(nameof(InvalidChannel), a0);

    /// <summary>A snap cannot be given host folders (strict confinement: it writes only to $SNAP_DATA and $SNAP_COMMON)</summary>
    public static string NoVolumes() => Format(nameof(NoVolumes));

    /// <summary>Invalid port {0}: between 1 and 65535</summary>
    public static string InvalidPort(object? a0) => Format(nameof(InvalidPort), a0);

    /// <summary>Variable '{0}': for a snap, the environment becomes its settings (snap set), whose keys are lower-case letters, digits and dashes, dotted for nesting</summary>
    public static string InvalidSetting(object? a0) => Format(nameof(InvalidSetting), a0);

    /// <summary>The {0} driver does not run technology '{1}'</summary>
    public static string UnsupportedTechnology(object? a0, object? a1) => Format(nameof(UnsupportedTechnology), a0, a1);

    /// <summary>Snap {0} cannot be found in the store: nothing changed</summary>
    public static string SnapNotInStore(object? a0) => Format(nameof(SnapNotInStore), a0);

    /// <summary>Snap {0} found in the store (channel or revision {1})</summary>
    public static string SnapFound(object? a0, object? a1) => Format(nameof(SnapFound), a0, a1);

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

    /// <summary>Ref {0}: commit {1}</summary>
    public static string GitResolved(object? a0, object? a1) => Format(nameof(GitResolved), a0, a1);

    /// <summary>Invalid git repository '{0}': a file://, http(s)://, git:// or ssh:// URL, or an absolute path</summary>
    public static string InvalidGitUrl(object? a0) => Format(nameof(InvalidGitUrl), a0);

    /// <summary>snapcraft cannot be run ({0}: {1}): install it with 'snap install snapcraft --classic' (snapd is needed)</summary>
    public static string SnapcraftMissing(object? a0, object? a1) => Format(nameof(SnapcraftMissing), a0, a1);

    /// <summary>snapcraft ({0}) does not work: {1}</summary>
    public static string SnapcraftFailed(object? a0, object? a1) => Format(nameof(SnapcraftFailed), a0, a1);

    /// <summary>Cannot build snap {0} (commit {1}): {2}</summary>
    public static string BuildImpossible(object? a0, object? a1, object? a2) => Format(nameof(BuildImpossible), a0, a1, a2);

    /// <summary>Building snap {0} from {1} (commit {2})</summary>
    public static string Building(object? a0, object? a1, object? a2) => Format(nameof(Building), a0, a1, a2);

    /// <summary>Snap {0} built for commit {1} (sha256 {2})</summary>
    public static string Built(object? a0, object? a1, object? a2) => Format(nameof(Built), a0, a1, a2);

    /// <summary>Snap {0} already built for commit {1}</summary>
    public static string BuildReused(object? a0, object? a1) => Format(nameof(BuildReused), a0, a1);

    /// <summary>Building snap {0} (commit {1}) failed: {2} {3}</summary>
    public static string BuildFailed(object? a0, object? a1, object? a2, object? a3) => Format(nameof(BuildFailed), a0, a1, a2, a3);

    /// <summary>Building snap {0} (commit {1}) did not make exactly one {0}_*.snap file (found: {2})</summary>
    public static string BuildWrongSnap(object? a0, object? a1, object? a2) => Format(nameof(BuildWrongSnap), a0, a1, a2);

    /// <summary>Build {1} of snap {0} cannot be found</summary>
    public static string BuildMissing(object? a0, object? a1) => Format(nameof(BuildMissing), a0, a1);
}
