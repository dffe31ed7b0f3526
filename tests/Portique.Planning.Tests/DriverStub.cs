namespace Portique.Planning.Tests;

/// <summary>
/// A driver that supports nothing: a test's scripted engine derives from it and overrides only the primitives the
/// kernel under test uses (every other call would be a test bug and says so).
/// </summary>
internal abstract class DriverStub : IServiceDriver
{
    public virtual IReadOnlySet<Technology> Technologies { get; } = new HashSet<Technology> { TestTechnologies.Docker };

    public virtual LifecycleOptions Lifecycle { get; } = new();

    public virtual Task<string?> CheckAvailabilityAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    public virtual Task<IReadOnlyList<ObservedService>> ListOwnedAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

    public virtual Task<string?> FindForeignHolderAsync(string name, CancellationToken cancellationToken) => throw new NotSupportedException();

    public virtual Task<string> FetchAsync(ServiceSpec spec, bool refresh, IProgress<string> progress, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public virtual Task<ObservedService> CreateAsync(ServiceSpec spec, string artifactId, CancellationToken cancellationToken) => throw new NotSupportedException();

    public virtual Task<InstanceObservation> ObserveAsync(ObservedService instance, CancellationToken cancellationToken) => throw new NotSupportedException();

    public virtual Task StartAsync(ObservedService instance, CancellationToken cancellationToken) => throw new NotSupportedException();

    public virtual Task StopAsync(ObservedService instance, CancellationToken cancellationToken) => throw new NotSupportedException();

    public virtual Task<ObservedService> RenameAsync(ObservedService instance, bool aside, CancellationToken cancellationToken) => throw new NotSupportedException();

    public virtual Task RemoveAsync(ObservedService instance, CancellationToken cancellationToken) => throw new NotSupportedException();

    public virtual IAsyncEnumerable<LogLine> OpenLogAsync(string name, LogRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();
}
