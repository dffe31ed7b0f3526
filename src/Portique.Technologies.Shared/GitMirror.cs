using System.Text.RegularExpressions;
using Portique.Core;

namespace Portique.Technologies.Shared;

/// <summary>
/// The one rule for the git refs a configuration may name (<c>conteneurN_tag</c> of docker+git and snapcraft): a
/// branch, tag or commit id such as <c>v1.2</c>, <c>main</c>, <c>feature/login</c> or a full commit id. Letters,
/// digits, <c>_</c>, <c>.</c>, <c>/</c> and <c>-</c>, 200 at most, not starting with <c>-</c>, <c>.</c> or <c>/</c>,
/// without <c>..</c>: nothing git could read as an option or a revision expression (<c>~</c>, <c>^</c>, <c>@{</c>,
/// <c>:</c>...). Checked when the configuration is read, and again by each driver before git sees the value.
/// </summary>
public static partial class GitReference
{
    /// <summary>The longest ref accepted.</summary>
    public const int MaximumLength = 200;

    public static bool IsValid(string? reference) =>
        reference is not null && Pattern().IsMatch(reference) && !reference.Contains("..", StringComparison.Ordinal);

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_./-]{0,199}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}

/// <summary>The calling driver's (localized) texts for the git mirror.</summary>
/// <param name="Failed">A git operation ({0}: init, fetch, rev-parse, archive) failed for the repository ({1}), git's words ({2}).</param>
/// <param name="NotInstalled">git cannot be run, with the system's reason ({0}).</param>
/// <param name="RefInvalid">A ref ({0}) that <see cref="GitReference.IsValid"/> refuses.</param>
internal sealed record GitMirrorMessages(
    Func<object?, object?, object?, string> Failed,
    Func<object?, string> NotInstalled,
    Func<object?, string> RefInvalid);

/// <summary>
/// A bare git repository per service (the caller chooses the directory), kept in step with the service's repository by
/// <c>git fetch</c>; what is built comes out of it with <c>git archive</c>: no working tree to keep clean. Every git
/// call goes through <see cref="Tool"/> with an argument list, <c>--</c> or <c>--end-of-options</c> before every value
/// that comes from the configuration.
/// </summary>
internal sealed class GitMirror(string gitExecutable, string directory, GitMirrorMessages messages)
{
    /// <summary>Inside the bare repository: the repository URL the refs were last fetched from.</summary>
    private const string SourceFileName = "portique-source";

    private static readonly string[] RefSpecs = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"];

    // Never wait for a password on a terminal nobody watches; ignore the caller's repository and working tree.
    private static readonly Dictionary<string, string?> Environment = new(StringComparer.Ordinal)
    {
        ["GIT_TERMINAL_PROMPT"] = "0",
        ["GIT_DIR"] = null,
        ["GIT_WORK_TREE"] = null,
    };

    public string Directory { get; } = directory;

    /// <summary>
    /// Creates the mirror when missing, then fetches every branch and tag of <paramref name="repository"/> (moved tags
    /// follow, deleted refs go). When the fetch fails, <paramref name="mayUseStaleCopy"/> and the mirror was last
    /// fetched from this same repository, the local copy is kept and git's words returned for the caller to report;
    /// otherwise it throws.
    /// </summary>
    public async Task<string?> UpdateAsync(string repository, bool mayUseStaleCopy, CancellationToken cancellationToken)
    {
        if (!File.Exists(Path.Join(Directory, "HEAD")))
        {
            System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
            var init = await GitAsync("init", repository, ["init", "--bare", "--quiet", "--", Directory], cancellationToken);
            if (!init.Succeeded)
            {
                throw new RuntimeFailureException(messages.Failed("init", repository, Tool.LastLines(init.StandardError)));
            }

            mayUseStaleCopy = false;
        }

        // The local copy may stand in for an unreachable repository only if it is a copy of THAT repository.
        var sourceFile = Path.Join(Directory, SourceFileName);
        if (!File.Exists(sourceFile) || await File.ReadAllTextAsync(sourceFile, cancellationToken) != repository)
        {
            mayUseStaleCopy = false;
        }

        // A plain path is given to git as is; "--" keeps a repository starting with '-' from being read as an option.
        var fetch = await GitAsync(
            "fetch", repository, ["--git-dir", Directory, "fetch", "--quiet", "--force", "--prune", "--no-auto-gc", "--", repository, .. RefSpecs], cancellationToken);
        if (fetch.Succeeded)
        {
            await AtomicFile.WriteTextAsync(sourceFile, repository, AtomicFile.GroupReadableMode, cancellationToken);
            return null;
        }

        var error = Tool.LastLines(fetch.StandardError);
        return mayUseStaleCopy ? error : throw new RuntimeFailureException(messages.Failed("fetch", repository, error));
    }

    /// <summary>The full commit id <paramref name="reference"/> (tag, branch or commit) names, or null.</summary>
    public async Task<string?> ResolveAsync(string repository, string reference, CancellationToken cancellationToken)
    {
        if (!GitReference.IsValid(reference))
        {
            throw new RuntimeFailureException(messages.RefInvalid(reference));
        }

        var result = await GitAsync(
            "rev-parse", repository, ["--git-dir", Directory, "rev-parse", "--verify", "--quiet", "--end-of-options", reference + "^{commit}"], cancellationToken);
        if (result.Succeeded)
        {
            return result.StandardOutput.Trim();
        }

        return result.ExitCode == 1 && string.IsNullOrWhiteSpace(result.StandardError)
            ? null
            : throw new RuntimeFailureException(messages.Failed("rev-parse", repository, Tool.LastLines(result.StandardError)));
    }

    /// <summary>Writes the tree of <paramref name="commit"/> as a tar (a build context, a source folder) into <paramref name="output"/>.</summary>
    public async Task ArchiveAsync(string repository, string commit, Stream output, CancellationToken cancellationToken)
    {
        var result = await Tool.RunAsync(
            gitExecutable,
            ["--git-dir", Directory, "archive", "--format=tar", "--end-of-options", commit],
            output,
            Timeout.InfiniteTimeSpan,
            ToolMessages("archive", repository),
            cancellationToken,
            Environment);
        if (!result.Succeeded)
        {
            throw new RuntimeFailureException(messages.Failed("archive", repository, Tool.LastLines(result.StandardError)));
        }
    }

    // No time limit, as before: a fetch of a large repository over a slow link takes what it takes.
    private Task<ToolResult> GitAsync(string operation, string repository, IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        Tool.RunAsync(gitExecutable, arguments, Timeout.InfiniteTimeSpan, ToolMessages(operation, repository), cancellationToken, Environment);

    private ToolMessages ToolMessages(string operation, string repository) =>
        new((_, seconds) => messages.Failed(operation, repository, seconds + " s"), (_, reason) => messages.NotInstalled(reason));
}
