namespace Portique.Planning;

/// <summary>
/// An <see cref="IProgress{T}"/> that reports on the caller's thread, at once. <see cref="Progress{T}"/> posts to the
/// thread pool, which lets lines arrive after the step that produced them has ended.
/// </summary>
public sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
