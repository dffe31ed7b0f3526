using System.Globalization;
using System.Resources;

namespace Portique.Frontend.Nginx.Resources;

/// <summary>The adapter's user-facing messages: French (neutral resources), English for an <c>en</c> UI culture.</summary>
internal static class Messages
{
    private static readonly ResourceManager Manager = new("Portique.Frontend.Nginx.Resources.Messages", typeof(Messages).Assembly);

    public static string Format(string name, params object?[] arguments)
    {
        var text = Manager.GetString(name, CultureInfo.CurrentUICulture)
            ?? throw new InvalidOperationException($"Missing message resource '{name}'.");
        return string.Format(CultureInfo.CurrentCulture, text, arguments);
    }
}
