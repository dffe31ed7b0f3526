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

    public static string Address => Get(nameof(Address));

    public static string FrontendChanges(object? a0) => Format(nameof(FrontendChanges), a0);

    public static string FrontendUnchanged => Get(nameof(FrontendUnchanged));

    public static string Warning => Get(nameof(Warning));

    public static string Succeeded(object? a0, object? a1) => Format(nameof(Succeeded), a0, a1);

    public static string Failed(object? a0) => Format(nameof(Failed), a0);

    public static string Action => Get(nameof(Action));

    public static string ActionName(ActionKind kind) => Get("Action" + kind);

    public static string HelpVariableName => Get(nameof(HelpVariableName));

    public static string HelpGet => Get(nameof(HelpGet));

    public static string HelpSetWords => Get(nameof(HelpSetWords));

    public static string HelpSet => Get(nameof(HelpSet));

    public static string HelpValidate => Get(nameof(HelpValidate));

    public static string HelpRenderOutput => Get(nameof(HelpRenderOutput));

    public static string HelpRender => Get(nameof(HelpRender));

    public static string HelpVariablesAll => Get(nameof(HelpVariablesAll));

    public static string HelpVariables => Get(nameof(HelpVariables));

    public static string HelpJson => Get(nameof(HelpJson));

    public static string HelpPlan => Get(nameof(HelpPlan));

    public static string HelpPull => Get(nameof(HelpPull));

    public static string HelpInstance => Get(nameof(HelpInstance));

    public static string HelpReconfigure => Get(nameof(HelpReconfigure));

    public static string HelpStatus => Get(nameof(HelpStatus));

    public static string HelpServiceName => Get(nameof(HelpServiceName));

    public static string HelpFollow => Get(nameof(HelpFollow));

    public static string HelpTail => Get(nameof(HelpTail));

    public static string HelpLogs => Get(nameof(HelpLogs));

    public static string HelpListen => Get(nameof(HelpListen));

    public static string HelpHttps => Get(nameof(HelpHttps));

    public static string HelpSetPassword => Get(nameof(HelpSetPassword));

    public static string HelpGenConfig => Get(nameof(HelpGenConfig));

    public static string HelpRoot => Get(nameof(HelpRoot));

    public static string HelpLang => Get(nameof(HelpLang));

    public static string HelpHelp => Get(nameof(HelpHelp));

    public static string HelpPortique => Get(nameof(HelpPortique));

    public static string HelpExitCodes => Get(nameof(HelpExitCodes));

    public static string Interrupted => Get(nameof(Interrupted));

    public static string ToComplete(object? a0) => Format(nameof(ToComplete), a0);

    public static string StillInvalid => Get(nameof(StillInvalid));

    public static string LogsEmpty(object? a0) => Format(nameof(LogsEmpty), a0);

    public static string HelpAllowedHost => Get(nameof(HelpAllowedHost));
}
