using System.Diagnostics;

namespace Portique.TestSupport;

/// <summary>
/// The real <c>portique</c> command that process-level tests start. <c>scripts/test.sh</c> publishes the native
/// executable the package ships once and names it in <see cref="Variable"/>: the tests then run what administrators
/// run, and each run starts in milliseconds instead of compiling the CLI just in time (about 1.5 s of CPU per run,
/// half of the end-to-end tests' CPU on two cores). Without the variable, the test build's <c>portique.dll</c> runs
/// through <c>dotnet</c>, so a plain <c>dotnet test</c> after a code change tests that change.
/// </summary>
public static class PortiqueExecutable
{
    public const string Variable = "PORTIQUE_TEST_EXECUTABLE";

    private static readonly Lazy<(string FileName, string[] Prefix)> Resolved = new(Resolve);

    /// <summary>The program to start.</summary>
    public static string FileName => Resolved.Value.FileName;

    /// <summary>The program's arguments: the executable's own (the dll for dotnet) followed by <paramref name="args"/>.</summary>
    public static string[] Arguments(IEnumerable<string> args) => [.. Resolved.Value.Prefix, .. args];

    /// <summary>A command for CliWrap, never validated (tests check the exit code themselves).</summary>
    public static CliWrap.Command Command(IEnumerable<string> args) =>
        CliWrap.Cli.Wrap(FileName).WithArguments(Arguments(args)).WithValidation(CliWrap.CommandResultValidation.None);

    /// <summary>
    /// A start info with its argument list filled, for tests that need the raw process (kill -9, Ctrl+C, stdin). It goes
    /// through <c>env --default-signal=INT</c>, which execs it (same pid): SIGINT then interrupts it as Ctrl+C does in a
    /// terminal, even when this test process inherited SIGINT ignored (a background job of a non-interactive shell), a
    /// disposition the runtime keeps, as <c>nohup</c>'d programs should.
    /// </summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> args)
    {
        var info = new ProcessStartInfo("/usr/bin/env");
        info.ArgumentList.Add("--default-signal=INT");
        info.ArgumentList.Add(FileName);
        foreach (var argument in Arguments(args))
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    private static (string, string[]) Resolve()
    {
        var native = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(native))
        {
            return ("dotnet", [Path.Join(AppContext.BaseDirectory, "portique.dll")]);
        }

        // A variable that names nothing is a broken test setup: say so rather than test the other build silently.
        return File.Exists(native) && Path.IsPathFullyQualified(native)
            ? (native, [])
            : throw new InvalidOperationException($"{Variable}={native} does not name an existing executable by its full path.");
    }
}
