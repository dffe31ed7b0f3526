using System.Globalization;
using System.Resources;

namespace Portique.Orchestration.Resources;

/// <summary>Localised messages (French neutral resources, English satellite).</summary>
internal static class Messages
{
    private static readonly ResourceManager Resources = new(typeof(Messages));

    private static string Format(string key, params object?[] args) =>
        string.Format(CultureInfo.CurrentCulture, Resources.GetString(key, CultureInfo.CurrentUICulture) ?? key, args);

    public static string NotANumber(object? a0) => Format(nameof(NotANumber), a0);

    public static string UnknownTechnology(object? a0, object? a1) => Format(nameof(UnknownTechnology), a0, a1);

    public static string RequiredFor(object? a0) => Format(nameof(RequiredFor), a0);

    public static string RowMissing(object? a0, object? a1) => Format(nameof(RowMissing), a0, a1);

    public static string DuplicateName(object? a0, object? a1) => Format(nameof(DuplicateName), a0, a1);

    public static string DuplicateHostPort(object? a0, object? a1) => Format(nameof(DuplicateHostPort), a0, a1);

    public static string FrontendPort(object? a0, object? a1) => Format(nameof(FrontendPort), a0, a1);

    public static string DuplicateHostPath(object? a0, object? a1) => Format(nameof(DuplicateHostPath), a0, a1);

    public static string BadImageName(object? a0) => Format(nameof(BadImageName), a0);

    public static string BadTag(object? a0) => Format(nameof(BadTag), a0);

    public static string BadRegistry(object? a0) => Format(nameof(BadRegistry), a0);

    public static string UnknownOwner(object? a0, object? a1) => Format(nameof(UnknownOwner), a0, a1);

    public static string UnknownGroup(object? a0, object? a1) => Format(nameof(UnknownGroup), a0, a1);

    public static string DestinationOutsideRoot(object? a0, object? a1, object? a2) => Format(nameof(DestinationOutsideRoot), a0, a1, a2);

    public static string FrontendPortsEqual(object? a0, object? a1) => Format(nameof(FrontendPortsEqual), a0, a1);

    public static string RepositoryNotUsed(object? a0, object? a1) => Format(nameof(RepositoryNotUsed), a0, a1);

    public static string BadGitUrl(object? a0) => Format(nameof(BadGitUrl), a0);

    public static string BadGitRef(object? a0) => Format(nameof(BadGitRef), a0);

    public static string TemplateUnknownVariable(object? a0) => Format(nameof(TemplateUnknownVariable), a0);

    public static string TemplateMissing(object? a0, object? a1) => Format(nameof(TemplateMissing), a0, a1);

    public static string BadDiskImage(object? a0) => Format(nameof(BadDiskImage), a0);

    public static string BadDownloadUrl(object? a0) => Format(nameof(BadDownloadUrl), a0);

    public static string BadSnapName(object? a0) => Format(nameof(BadSnapName), a0);

    public static string BadSnapChannel(object? a0) => Format(nameof(BadSnapChannel), a0);


    public static string NetworkPrefix(object? a0, object? a1, object? a2) => Format(nameof(NetworkPrefix), a0, a1, a2);

    public static string NetworkReserved(object? a0) => Format(nameof(NetworkReserved), a0);

    public static string TechnologyNotOnNetwork(object? a0, object? a1) => Format(nameof(TechnologyNotOnNetwork), a0, a1);

    public static string AddressOutsideNetwork(object? a0, object? a1, object? a2, object? a3) => Format(nameof(AddressOutsideNetwork), a0, a1, a2, a3);

    public static string DuplicateAddress(object? a0, object? a1, object? a2) => Format(nameof(DuplicateAddress), a0, a1, a2);

    public static string NetworkCommandTimedOut(object? a0, object? a1) => Format(nameof(NetworkCommandTimedOut), a0, a1);

    public static string NetworkProgramMissing(object? a0, object? a1) => Format(nameof(NetworkProgramMissing), a0, a1);

    public static string NetworkCommandFailed(object? a0, object? a1) => Format(nameof(NetworkCommandFailed), a0, a1);

    public static string BridgeNotOurs(object? a0, object? a1) => Format(nameof(BridgeNotOurs), a0, a1);

    public static string StepNetwork(object? a0) => Format(nameof(StepNetwork), a0);

    public static string SnapNoVolumes() => Format(nameof(SnapNoVolumes));

    public static string WaitingForLock() => Format(nameof(WaitingForLock));

    public static string LockTimeout(object? a0, object? a1) => Format(nameof(LockTimeout), a0, a1);

    public static string StepValidating() => Format(nameof(StepValidating));

    public static string StepHook(object? a0) => Format(nameof(StepHook), a0);

    public static string StepRendering() => Format(nameof(StepRendering));

    public static string FileWritten(object? a0) => Format(nameof(FileWritten), a0);

    public static string StepReconciling() => Format(nameof(StepReconciling));

    public static string StepFrontend() => Format(nameof(StepFrontend));

    public static string CertificateCreated(object? a0) => Format(nameof(CertificateCreated), a0);

    public static string NginxReloaded(object? a0) => Format(nameof(NginxReloaded), a0);

    public static string NginxStarted() => Format(nameof(NginxStarted));

    public static string NginxUnchanged() => Format(nameof(NginxUnchanged));

    public static string NoSuchService() => Format(nameof(NoSuchService));

    public static string ConfigEolLocked(object? a0, object? a1) => Format(nameof(ConfigEolLocked), a0, a1);

    public static string ConfigEolChanged() => Format(nameof(ConfigEolChanged));
}
