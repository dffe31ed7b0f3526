using System.Globalization;
using System.Resources;
using Portique.Planning;

namespace Portique.Cli;

/// <summary>The CLI's localised words (French neutral resources, English satellite).</summary>
internal static class Text
{
    private static readonly ResourceManager Resources = new(typeof(Text));

    private static string Get(string key) => Resources.GetString(key, CultureInfo.CurrentUICulture) ?? key;

    private static string Format(string key, params object?[] args) => string.Format(CultureInfo.CurrentCulture, Get(key), args);

    public static string UnknownVariable => Get(nameof(UnknownVariable));

    public static string ConfigurationValid(object? a0) => Format(nameof(ConfigurationValid), a0);

    public static string FrontendFileDeferred(object? a0) => Format(nameof(FrontendFileDeferred), a0);

    public static string FileChanged(object? a0) => Format(nameof(FileChanged), a0);

    public static string NoFileChanged => Get(nameof(NoFileChanged));

    public static string Family => Get(nameof(Family));

    public static string Variable => Get(nameof(Variable));

    public static string Type => Get(nameof(Type));

    public static string Value => Get(nameof(Value));

    public static string Description => Get(nameof(Description));

    public static string Disabled => Get(nameof(Disabled));

    public static string Hidden => Get(nameof(Hidden));

    public static string Service => Get(nameof(Service));

    public static string Technology => Get(nameof(Technology));

    public static string Reason => Get(nameof(Reason));

    public static string State => Get(nameof(State));

    public static string Version => Get(nameof(Version));

    public static string Ports => Get(nameof(Ports));

    public static string NotConfigured => Get(nameof(NotConfigured));

    public static string FrontendChanges(object? a0) => Format(nameof(FrontendChanges), a0);

    public static string FrontendUnchanged => Get(nameof(FrontendUnchanged));

    public static string Warning => Get(nameof(Warning));

    public static string Succeeded(object? a0, object? a1) => Format(nameof(Succeeded), a0, a1);

    public static string Failed(object? a0) => Format(nameof(Failed), a0);

    public static string Action => Get(nameof(Action));

    public static string ActionName(ActionKind kind) => Get("Action" + kind);
}
