namespace Portique.TestSupport;

/// <summary>
/// Golden files are compared, never rewritten, by the tests: a mismatch always fails. When
/// <c>PORTIQUE_GOLDEN_OUTPUT</c> is set (by <c>scripts/update-goldens.sh</c>, never by a test run), the actual
/// rendering is also written under that folder at the golden file's path in the repository, for the script to copy
/// over the reviewed file once the run has failed.
/// </summary>
public static class GoldenFiles
{
    /// <summary>Asserts <paramref name="actual"/> equals the golden file <paramref name="repositoryPath"/> (e.g. <c>tests/Portique.X.Tests/Golden/a.conf</c>), copied next to the test assembly at <paramref name="builtPath"/>.</summary>
    public static void AssertMatches(string repositoryPath, string builtPath, string actual)
    {
        if (Environment.GetEnvironmentVariable("PORTIQUE_GOLDEN_OUTPUT") is { Length: > 0 } output)
        {
            var target = Path.Join(output, repositoryPath);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllText(target, actual);
        }

        Assert.True(File.Exists(builtPath), $"golden file {repositoryPath} is missing: write it with scripts/update-goldens.sh, then review it");
        Assert.Equal(File.ReadAllText(builtPath), actual);
    }
}
