using System.ComponentModel;
using System.Text;
using CliWrap;
using CliWrap.Buffered;
using Portique.Core;

namespace Portique.Technologies.Snap;

/// <summary>
/// A bare git repository per snapcraft service under <c>StateDirectory/snapcraft/git/NAME</c>, kept in step with the
/// service's repository by <c>git fetch</c>; sources come out of it with <c>git archive</c>. Every git call is an argument
/// list (CliWrap) with <c>--</c> or <c>--end-of-options</c> before values that come from the configuration.
/// </summary>
internal sealed class GitSource(string gitExecutable, string directory)
{
    private const string SourceFileName = "portique-source";

    private static readonly string[] RefSpecs = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"];

    public string Directory { get; } = directory;

    /// <summary>
    /// Creates the cache when missing, then fetches every branch and tag. When the fetch fails, <paramref name="mayUseStaleCopy"/>
    /// and the cache came from this same repository, the local copy is kept and the failure returned; otherwise it throws.
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
                throw new RuntimeFailureException(Messages.GitFailed("init", repository, LastLines(init.StandardError)));
            }

            mayUseStaleCopy = false;
        }

        var sourceFile = Path.Join(Directory, SourceFileName);
        if (!File.Exists(sourceFile) || await File.ReadAllTextAsync(sourceFile, cancellationToken) != repository)
        {
            mayUseStaleCopy = false;
        }

        var result = await ExecuteAsync(["fetch", "--quiet", "--force", "--prune", "--no-auto-gc", "--", repository, .. RefSpecs], cancellationToken);
        if (result.ExitCode == 0)
        {
            var temporary = sourceFile + ".new";
            await File.WriteAllTextAsync(temporary, repository, cancellationToken);
            File.Move(temporary, sourceFile, overwrite: true);
            return null;
        }

        var error = LastLines(result.StandardError);
        return mayUseStaleCopy ? error : throw new RuntimeFailureException(Messages.GitFailed("fetch", repository, error));
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

        return result.ExitCode == 1 && string.IsNullOrWhiteSpace(result.StandardError)
            ? null
            : throw new RuntimeFailureException(Messages.GitFailed("rev-parse", repository, LastLines(result.StandardError)));
    }

    /// <summary>Writes the tree of <paramref name="commit"/> as a tar into <paramref name="output"/>.</summary>
    public async Task ArchiveAsync(string repository, string commit, Stream output, CancellationToken cancellationToken)
    {
        var stderr = new StringBuilder();
        CommandResult result;
        try
        {
            result = await Cli.Wrap(gitExecutable)
                .WithArguments(["--git-dir", Directory, "archive", "--format=tar", "--end-of-options", commit])
                .WithEnvironmentVariables(Environment)
                .WithStandardOutputPipe(PipeTarget.ToStream(output))
                .WithStandardErrorPipe(PipeTarget.ToStringBuilder(stderr))
                .WithValidation(CommandResultValidation.None)
                .ExecuteAsync(cancellationToken);
        }
        catch (Win32Exception exception)
        {
            throw new RuntimeFailureException(Messages.GitNotInstalled(exception.Message), exception);
        }

        if (result.ExitCode != 0)
        {
            throw new RuntimeFailureException(Messages.GitFailed("archive", repository, LastLines(stderr.ToString())));
        }
    }

    /// <summary>Refs git would accept, and nothing that could be read as an option or a revision expression.</summary>
    internal static bool IsAcceptableReference(string? reference) =>
        !string.IsNullOrWhiteSpace(reference)
        && !reference.StartsWith('-')
        && reference.All(c => !char.IsControl(c) && !char.IsWhiteSpace(c))
        && !reference.Contains("..", StringComparison.Ordinal)
        && reference.IndexOfAny(['~', '^', ':', '?', '*', '[', '\\', '@']) < 0;

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

    // Never wait for a password on a terminal nobody watches; ignore the caller's working tree.
    private static void Environment(CliWrap.Builders.EnvironmentVariablesBuilder environment) =>
        environment.Set("GIT_TERMINAL_PROMPT", "0").Set("GIT_DIR", null).Set("GIT_WORK_TREE", null);

    internal static string LastLines(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "?" : string.Join(" / ", lines.TakeLast(3));
    }
}
