using System.ComponentModel;
using System.Text;
using CliWrap;
using CliWrap.Buffered;
using Portique.Core;

namespace Portique.Technologies.Docker;

/// <summary>
/// A bare git repository per docker+git service under <c>StateDirectory/git/NAME</c>, kept in step with the service's
/// repository by <c>git fetch</c>. Build contexts come out of it with <c>git archive</c>: no working tree to keep clean.
/// Every git call is an argument list (CliWrap), never a command line.
/// </summary>
internal sealed class GitRepositoryCache(string gitExecutable, string directory)
{
    /// <summary>Inside the bare repository: the repository URL the refs were last fetched from.</summary>
    private const string SourceFileName = "portique-source";

    private static readonly string[] RefSpecs = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"];

    public string Directory { get; } = directory;

    /// <summary>
    /// Creates the cache when missing, then fetches every branch and tag of <paramref name="repository"/> (moved tags
    /// follow, deleted refs go). When the fetch fails, <paramref name="mayUseStaleCopy"/> and the cache was last
    /// fetched from this same repository, the local copy is kept and the failure returned for the caller to report;
    /// otherwise it throws.
    /// </summary>
    public async Task<string?> UpdateAsync(string repository, bool mayUseStaleCopy, CancellationToken cancellationToken)
    {
        if (!File.Exists(Path.Join(Directory, "HEAD")))
        {
            System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
            var init = await ExecuteRawAsync(["init", "--bare", "--quiet", "--", Directory], cancellationToken);
            if (init.ExitCode != 0)
            {
                throw new RuntimeFailureException(Messages.GitFailed("init", repository, LastLine(init.StandardError)));
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
        var result = await ExecuteAsync(["fetch", "--quiet", "--force", "--prune", "--no-auto-gc", "--", repository, .. RefSpecs], cancellationToken);
        if (result.ExitCode == 0)
        {
            var temporary = sourceFile + ".new";
            await File.WriteAllTextAsync(temporary, repository, cancellationToken);
            File.Move(temporary, sourceFile, overwrite: true);
            return null;
        }

        var error = LastLine(result.StandardError);
        if (mayUseStaleCopy)
        {
            return error;
        }

        throw new RuntimeFailureException(Messages.GitFailed("fetch", repository, error));
    }

    /// <summary>The full commit id <paramref name="reference"/> (tag, branch or commit) names, or null.</summary>
    public async Task<string?> ResolveAsync(string repository, string reference, CancellationToken cancellationToken)
    {
        if (!IsAcceptableReference(reference))
        {
            throw new RuntimeFailureException(Messages.GitRefInvalid(reference));
        }

        var result = await ExecuteAsync(["rev-parse", "--verify", "--quiet", "--end-of-options", reference + "^{commit}"], cancellationToken);
        if (result.ExitCode == 0)
        {
            return result.StandardOutput.Trim();
        }

        if (result.ExitCode == 1 && string.IsNullOrWhiteSpace(result.StandardError))
        {
            return null;
        }

        throw new RuntimeFailureException(Messages.GitFailed("rev-parse", repository, LastLine(result.StandardError)));
    }

    /// <summary>Writes the tree of <paramref name="commit"/> as a tar (a docker build context) into <paramref name="output"/>.</summary>
    public async Task ArchiveAsync(string repository, string commit, Stream output, CancellationToken cancellationToken)
    {
        var stderr = new StringBuilder();
        CommandResult result;
        try
        {
            result = await Command(["archive", "--format=tar", "--end-of-options", commit])
                .WithStandardOutputPipe(PipeTarget.ToStream(output))
                .WithStandardErrorPipe(PipeTarget.ToStringBuilder(stderr))
                .ExecuteAsync(cancellationToken);
        }
        catch (Win32Exception exception)
        {
            throw new RuntimeFailureException(Messages.GitNotInstalled(exception.Message), exception);
        }

        if (result.ExitCode != 0)
        {
            throw new RuntimeFailureException(Messages.GitFailed("archive", repository, LastLine(stderr.ToString())));
        }
    }

    /// <summary>Refs git would accept, and nothing that could be read as an option.</summary>
    internal static bool IsAcceptableReference(string reference) =>
        !string.IsNullOrWhiteSpace(reference)
        && !reference.StartsWith('-')
        && reference.All(c => !char.IsControl(c) && !char.IsWhiteSpace(c))
        && !reference.Contains("..", StringComparison.Ordinal)
        && reference.IndexOfAny(['~', '^', ':', '?', '*', '[', '\\']) < 0;

    private Task<BufferedCommandResult> ExecuteAsync(string[] arguments, CancellationToken cancellationToken) =>
        ExecuteRawAsync(["--git-dir", Directory, .. arguments], cancellationToken);

    private async Task<BufferedCommandResult> ExecuteRawAsync(string[] arguments, CancellationToken cancellationToken)
    {
        try
        {
            return await Cli.Wrap(gitExecutable)
                .WithArguments(arguments)
                .WithEnvironmentVariables(Environment)
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(cancellationToken);
        }
        catch (Win32Exception exception)
        {
            throw new RuntimeFailureException(Messages.GitNotInstalled(exception.Message), exception);
        }
    }

    private Command Command(string[] arguments) =>
        Cli.Wrap(gitExecutable)
            .WithArguments(["--git-dir", Directory, .. arguments])
            .WithEnvironmentVariables(Environment)
            .WithValidation(CommandResultValidation.None);

    // Never wait for a password on a terminal nobody watches; ignore the caller's working tree.
    private static void Environment(CliWrap.Builders.EnvironmentVariablesBuilder environment) =>
        environment.Set("GIT_TERMINAL_PROMPT", "0").Set("GIT_DIR", null).Set("GIT_WORK_TREE", null);

    private static string LastLine(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "?" : string.Join(" / ", lines.TakeLast(3));
    }
}
