using Portique.Planning;

namespace Portique.TestSupport;

/// <summary>Reads an instance's use until it shows the memory a test's process holds (it takes a moment to fill).</summary>
public static class UsageProbe
{
    /// <summary>The first reading of at least <paramref name="floorBytes"/>, asking every 250 ms for 10 s at most; else the last one (or null).</summary>
    public static async Task<ResourceUsage?> WaitForMemoryAsync(Func<Task<ResourceUsage?>> read, long floorBytes)
    {
        ArgumentNullException.ThrowIfNull(read);
        ResourceUsage? usage = null;
        for (var attempt = 0; attempt < 40; attempt++)
        {
            usage = await read();
            if (usage is { } seen && seen.MemoryBytes >= floorBytes)
            {
                return usage;
            }

            await Task.Delay(250);
        }

        return usage;
    }
}
