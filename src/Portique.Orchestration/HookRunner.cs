using Portique.Core;

namespace Portique.Orchestration;

/// <summary>
/// EOLE's hook folders (<c>/usr/share/eole/preservice</c>, <c>pretemplate</c>, <c>posttemplate</c>,
/// <c>postservice</c>), resolved under the root: every executable file, in ordinal name order, with
/// <c>instance</c> or <c>reconfigure</c> as first argument. The first failure stops the sequence.
/// </summary>
public sealed class HookRunner(PortiqueRoot root)
{
    public static IReadOnlyList<string> Stages { get; } = ["preservice", "pretemplate", "posttemplate", "postservice"];

    /// <returns>How many hooks ran (0 when the stage's folder is missing or holds no executable).</returns>
    public async Task<int> RunAsync(string stage, string mode, IProgress<string> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var folder = root.HooksDirectory(stage);
        if (!Directory.Exists(folder))
        {
            return 0;
        }

        var hooks = Directory.EnumerateFiles(folder)
            .Where(IsExecutable)
            .Order(StringComparer.Ordinal)
            .ToList();
        foreach (var hook in hooks)
        {
            progress.Report($"{stage}/{Path.GetFileName(hook)}");
            // A hook runs as long as it needs (as under EOLE's own instance and reconfigure).
            var result = await Tool.RunAsync(
                hook,
                [mode],
                Timeout.InfiniteTimeSpan,
                ToolMessages.Default,
                cancellationToken,
                environment: new Dictionary<string, string?> { ["PORTIQUE_ROOT"] = root.Directory },
                workingDirectory: folder);
            if (result.ExitCode != 0)
            {
                var output = (result.StandardError + result.StandardOutput).Trim();
                throw new HookFailedException(stage, Path.GetFileName(hook), result.ExitCode, output);
            }
        }

        return hooks.Count;
    }

    private static bool IsExecutable(string path) =>
        (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
}

internal sealed class HookFailedException(string stage, string hook, int exitCode, string output)
    : RuntimeFailureException(
        $"{stage}/{hook}: exit {exitCode}" + (output.Length > 0 ? Environment.NewLine + output : ""))
{
    public string Hook { get; } = $"{stage}/{hook}";

    public int HookExitCode { get; } = exitCode;
}
