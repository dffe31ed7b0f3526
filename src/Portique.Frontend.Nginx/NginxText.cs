using System.Text;
using System.Text.RegularExpressions;

namespace Portique.Frontend.Nginx;

/// <summary>An error nginx reported: its words, and where when it says (<c>in FILE:LINE</c>).</summary>
internal sealed record NginxDiagnostic(string Message, string? File, int? Line);

/// <summary>Reading nginx's configuration text and its error output: just enough, no full parser.</summary>
internal static partial class NginxText
{
    /// <summary>Values of the given directives, in file order (comments skipped, quotes removed).</summary>
    public static IEnumerable<(string Name, string Value)> Directives(string configuration, params string[] names)
    {
        foreach (Match match in DirectiveRegex().Matches(configuration))
        {
            var name = match.Groups["name"].Value;
            if (names.Contains(name, StringComparer.Ordinal))
            {
                yield return (name, match.Groups["value"].Value.Trim('"', '\''));
            }
        }
    }

    public static string? FirstValue(string configuration, string name) =>
        Directives(configuration, name).Select(d => d.Value).FirstOrDefault();

    /// <summary>The first error in nginx's output (<c>-t</c>, start, reload, error log).</summary>
    public static NginxDiagnostic? FirstError(string output) =>
        output.Split('\n').Select(ParseError).FirstOrDefault(d => d is not null);

    private static NginxDiagnostic? ParseError(string line)
    {
        var match = ErrorLineRegex().Match(line.TrimEnd('\r'));
        if (!match.Success)
        {
            return null;
        }

        var body = match.Groups["body"].Value.Trim();
        var located = LocationRegex().Match(body);
        return located.Success
            ? new NginxDiagnostic(located.Groups["message"].Value, located.Groups["file"].Value, int.Parse(located.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture))
            : new NginxDiagnostic(body, null, null);
    }

    public static string JoinForDisplay(string binary, IEnumerable<string> arguments)
    {
        var text = new StringBuilder(binary);
        foreach (var argument in arguments)
        {
            text.Append(' ').Append(argument);
        }

        return text.ToString();
    }

    [GeneratedRegex(@"^[ \t]*(?<name>[a-z_]+)[ \t]+(?<value>""[^""]*""|'[^']*'|[^\s;]+)", RegexOptions.Multiline)]
    private static partial Regex DirectiveRegex();

    // "2026/01/01 10:00:00 [emerg] 12#12: message in /file:3" (error log, or stderr as Debian builds it)
    // or "nginx: [emerg] message in /file:3".
    [GeneratedRegex(@"\[(?:emerg|alert|crit|error)\]\s+(?:\d+#\d+:\s+)?(?:\*\d+\s+)?(?<body>.*)$")]
    private static partial Regex ErrorLineRegex();

    [GeneratedRegex(@"^(?<message>.*)\s+in\s+(?<file>/.+?):(?<line>\d+)$")]
    private static partial Regex LocationRegex();
}
