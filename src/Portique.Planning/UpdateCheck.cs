namespace Portique.Planning;

/// <summary>What <c>portique status --updates</c> found for one service.</summary>
public enum UpdateState
{
    /// <summary>The registry's digest for the tag is the one the running image came from.</summary>
    UpToDate,

    /// <summary>The registry has another build under the same tag.</summary>
    UpdateAvailable,

    /// <summary>The technology has no registry digest to compare (a snap, a disk image, an image built here...).</summary>
    NotApplicable,

    /// <summary>The comparison could not be made (registry unreachable, tool missing, instance absent).</summary>
    Unknown,
}

/// <summary>One service's update notice; <paramref name="Detail"/> says why (a digest, the registry's error).</summary>
public sealed record UpdateCheck(UpdateState State, string? Detail = null);

/// <summary>
/// A driver that can tell, without pulling, whether the registry holds a newer build of the tag a service runs
/// (<c>portique status --updates</c>). A driver that does not implement it answers "not applicable".
/// </summary>
public interface IUpdateChecker
{
    /// <summary>
    /// Compares the digest of the image <paramref name="instance"/> runs with the registry's digest for
    /// <paramref name="spec"/>'s tag. Never throws for a registry problem: that is <see cref="UpdateState.Unknown"/>.
    /// </summary>
    Task<UpdateCheck> CheckUpdateAsync(ServiceSpec spec, ObservedService instance, CancellationToken cancellationToken);
}

/// <summary>Digest comparison shared by the image drivers.</summary>
public static class ImageDigests
{
    /// <summary>
    /// The state for a running image whose repository digests (<c>name@sha256:...</c>, or bare digests) are
    /// <paramref name="localDigests"/> and whose tag the registry resolves to <paramref name="remoteDigest"/>.
    /// </summary>
    public static UpdateState Compare(IEnumerable<string> localDigests, string remoteDigest)
    {
        ArgumentNullException.ThrowIfNull(localDigests);
        ArgumentException.ThrowIfNullOrEmpty(remoteDigest);
        return localDigests.Any(d => string.Equals(d[(d.LastIndexOf('@') + 1)..], remoteDigest, StringComparison.OrdinalIgnoreCase))
            ? UpdateState.UpToDate
            : UpdateState.UpdateAvailable;
    }
}
