using CliWrap;
using CliWrap.Buffered;

namespace Portique.TestSupport;

/// <summary>
/// A real local git repository (reachable as <see cref="Url"/>, <c>file://</c>) holding a Dockerfile that builds on
/// an image already present locally, and an <c>index.html</c> saying its version (<see cref="TestImages.IndexPage"/>).
/// Branch <c>main</c>. Deleted on dispose. git runs with argument lists and a fixed identity.
/// </summary>
public sealed class GitFixture : IDisposable
{
    private GitFixture(string directory, string baseImage)
    {
        Directory = directory;
        BaseImage = baseImage;
    }

    public string Directory { get; }

    /// <summary>The repository as a <c>file://</c> URL.</summary>
    public string Url => new Uri(Directory).AbsoluteUri;

    public string BaseImage { get; }

    /// <summary>
    /// A repository whose first commit on <c>main</c> has <c>Dockerfile</c> (<c>FROM baseImage</c>, <c>COPY index.html
    /// /www/index.html</c>) and <c>index.html</c> for <paramref name="version"/>.
    /// </summary>
    public static async Task<GitFixture> CreateAsync(string baseImage, string version = "v1", CancellationToken cancellationToken = default)
    {
        await RequiredServices.GitAsync();
        var directory = System.IO.Directory.CreateTempSubdirectory("portique-git-").FullName;
        var fixture = new GitFixture(directory, baseImage);
        await fixture.GitAsync(["init", "--quiet", "--initial-branch=main"], cancellationToken);
        await fixture.CommitAsync(
            "first version",
            new Dictionary<string, string>
            {
                ["Dockerfile"] = $"FROM {baseImage}\nCOPY index.html /www/index.html\n",
                ["index.html"] = TestImages.IndexPage(version),
            },
            cancellationToken);
        return fixture;
    }

    /// <summary>Rewrites <c>index.html</c> for <paramref name="version"/> and commits; returns the commit id.</summary>
    public Task<string> CommitVersionAsync(string version, CancellationToken cancellationToken = default) =>
        CommitAsync("version " + version, new Dictionary<string, string> { ["index.html"] = TestImages.IndexPage(version) }, cancellationToken);

    /// <summary>Writes <paramref name="files"/> (path relative to the repository → content), commits them; returns the commit id.</summary>
    public async Task<string> CommitAsync(string message, IReadOnlyDictionary<string, string> files, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        foreach (var (path, content) in files)
        {
            var full = Path.Join(Directory, path);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            await File.WriteAllTextAsync(full, content, cancellationToken);
            await GitAsync(["add", "--", path], cancellationToken);
        }

        await GitAsync(["commit", "--quiet", "--allow-empty", "-m", message], cancellationToken);
        return await HeadAsync(cancellationToken);
    }

    /// <summary>Creates or moves tag <paramref name="tag"/> to <paramref name="target"/> (default HEAD).</summary>
    public Task TagAsync(string tag, string target = "HEAD", CancellationToken cancellationToken = default) =>
        GitAsync(["tag", "--force", tag, target], cancellationToken);

    /// <summary>Creates or moves branch <paramref name="branch"/> to <paramref name="target"/> (default HEAD).</summary>
    public Task BranchAsync(string branch, string target = "HEAD", CancellationToken cancellationToken = default) =>
        GitAsync(["branch", "--force", branch, target], cancellationToken);

    public async Task<string> HeadAsync(CancellationToken cancellationToken = default) =>
        (await GitAsync(["rev-parse", "HEAD"], cancellationToken)).Trim();

    /// <summary>Runs git in the repository; fails the test when it exits non-zero. Returns stdout.</summary>
    public async Task<string> GitAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken = default)
    {
        var result = await Cli.Wrap("git")
            .WithArguments(["-c", "user.name=Portique Tests", "-c", "user.email=tests@portique.invalid", "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", .. arguments])
            .WithWorkingDirectory(Directory)
            .WithEnvironmentVariables(e => e.Set("GIT_DIR", null).Set("GIT_WORK_TREE", null))
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(cancellationToken);
        if (result.ExitCode != 0)
        {
            Assert.Fail($"git {string.Join(' ', arguments)} failed ({result.ExitCode}): {result.StandardError.Trim()}");
        }

        return result.StandardOutput;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
