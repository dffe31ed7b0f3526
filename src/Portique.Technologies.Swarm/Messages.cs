// Typed access to Resources/Messages*.resx (French neutral, English satellite).
using System.Globalization;
using System.Resources;

namespace Portique.Technologies.Swarm;

internal static class Messages
{
    private static readonly ResourceManager Resources = new("Portique.Technologies.Swarm.Resources.Messages", typeof(Messages).Assembly);

    private static string Format(string name, params object?[] args) =>
        string.Format(CultureInfo.CurrentCulture, Resources.GetString(name, CultureInfo.CurrentUICulture) ?? name, args);

    /// <summary>dockerd is not answering on {0}: {1}</summary>
    public static string DaemonUnreachable(object? a0, object? a1) => Format(nameof(DaemonUnreachable), a0, a1);

    /// <summary>dockerd on {0} refused the request: {1}</summary>
    public static string DaemonRefused(object? a0, object? a1) => Format(nameof(DaemonRefused), a0, a1);

    /// <summary>dockerd on {0} speaks Docker API {1}; Portique needs at least {2}</summary>
    public static string ApiTooOld(object? a0, object? a1, object? a2) => Format(nameof(ApiTooOld), a0, a1, a2);

    /// <summary>dockerd on {0} is not part of a swarm (state: {1}): run `docker swarm init --advertise-addr 127.0.0.1` once on this server</summary>
    public static string NotInSwarm(object? a0, object? a1) => Format(nameof(NotInSwarm), a0, a1);

    /// <summary>dockerd on {0} is a swarm worker, not a manager: run Portique on a manager node (or `docker node promote`)</summary>
    public static string NotManager(object? a0) => Format(nameof(NotManager), a0);

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

    /// <summary>swarm publishes port(s) {0} on every address of the server, not only on {1} (swarm cannot bind one host address)</summary>
    public static string PublishedOnEveryAddress(object? a0, object? a1) => Format(nameof(PublishedOnEveryAddress), a0, a1);

    /// <summary>The swarm driver does not run technology '{0}'</summary>
    public static string UnsupportedTechnology(object? a0) => Format(nameof(UnsupportedTechnology), a0);

    /// <summary>Invalid service name '{0}': lower-case letters, digits and dashes, 63 characters at most</summary>
    public static string InvalidServiceName(object? a0) => Format(nameof(InvalidServiceName), a0);

    /// <summary>Cannot create directory {0} for service {1}: {2}</summary>
    public static string VolumeDirectoryFailed(object? a0, object? a1, object? a2) => Format(nameof(VolumeDirectoryFailed), a0, a1, a2);

    /// <summary>A swarm service named {0} already exists: {1}</summary>
    public static string ServiceNameTaken(object? a0, object? a1) => Format(nameof(ServiceNameTaken), a0, a1);

    /// <summary>Creating swarm service {0} failed: {1}</summary>
    public static string CreateFailed(object? a0, object? a1) => Format(nameof(CreateFailed), a0, a1);

    /// <summary>Updating swarm service {0} failed: {1}</summary>
    public static string UpdateFailed(object? a0, object? a1) => Format(nameof(UpdateFailed), a0, a1);

    /// <summary>Removing swarm service {0} failed: {1}</summary>
    public static string RemoveFailed(object? a0, object? a1) => Format(nameof(RemoveFailed), a0, a1);


    /// <summary>Cannot inspect swarm service {0}: {1}</summary>
    public static string InspectFailed(object? a0, object? a1) => Format(nameof(InspectFailed), a0, a1);

    /// <summary>Cannot list swarm services: {0}</summary>
    public static string ListFailed(object? a0) => Format(nameof(ListFailed), a0);

    /// <summary>Cannot read the logs of swarm service {0}: {1}</summary>
    public static string LogsFailed(object? a0, object? a1) => Format(nameof(LogsFailed), a0, a1);

    /// <summary>Swarm service {0} is set aside (removed from the swarm, recorded in {1}): it has no logs</summary>
    public static string LogsOfAside(object? a0, object? a1) => Format(nameof(LogsOfAside), a0, a1);

    /// <summary>No swarm service {0} belongs to Portique root {1}</summary>
    public static string ServiceNotFound(object? a0, object? a1) => Format(nameof(ServiceNotFound), a0, a1);

    /// <summary>Swarm service {0} does not belong to Portique root {1}</summary>
    public static string NotOwned(object? a0, object? a1) => Format(nameof(NotOwned), a0, a1);

    /// <summary>swarm service {0} (image {1}) of Portique root {2}</summary>
    public static string ForeignHolderOwned(object? a0, object? a1, object? a2) => Format(nameof(ForeignHolderOwned), a0, a1, a2);

    /// <summary>swarm service {0} (image {1}) not created by Portique</summary>
    public static string ForeignHolderUnlabelled(object? a0, object? a1) => Format(nameof(ForeignHolderUnlabelled), a0, a1);

    /// <summary>Swarm service {0} has no readable portique.spec label: it cannot be set aside and restored</summary>
    public static string SpecUnreadable(object? a0) => Format(nameof(SpecUnreadable), a0);

    /// <summary>Cannot write or read {0}: {1}</summary>
    public static string AsideRecordFailed(object? a0, object? a1) => Format(nameof(AsideRecordFailed), a0, a1);
}
