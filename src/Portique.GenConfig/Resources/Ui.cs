using System.Globalization;
using System.Resources;

namespace Portique.GenConfig;

/// <summary>genconfig's localised words (French neutral resources, English satellite); <see cref="Keys"/> lists them all, and a test checks both resx hold each.</summary>
public static partial class Ui
{
    private static readonly ResourceManager Resources = new(typeof(Ui));

    /// <summary>Every key, for the completeness test.</summary>
    public static IReadOnlyList<string> Keys { get; } =
    [
        "SkipToContent",
        "ServerTitle",
        "MainNavigation",
        "NavConfiguration",
        "NavApply",
        "NavStatus",
        "Language",
        "Logout",
        "Footer",
        "ConfigurationTitle",
        "ConfigurationLead",
        "ConfigurationUnusable",
        "Families",
        "DisplayMode",
        "ModeBasic",
        "ModeNormal",
        "ModeExpert",
        "Check",
        "Save",
        "Required",
        "NoChoice",
        "NoValue",
        "NoRow",
        "AddValue",
        "AddRow",
        "Remove",
        "Row",
        "RowLabel",
        "RemoveRow",
        "Actions",
        "PasswordUnchanged",
        "ErrorCount",
        "ErrorCountOne",
        "ErrorSummary",
        "ErrorSummaryOne",
        "WarningsTitle",
        "CheckPassed",
        "CheckPassedOne",
        "NothingChanged",
        "Saved",
        "SavedOne",
        "SavedNext",
        "SeePlan",
        "BackToConfiguration",
        "CsrfTitle",
        "RequestTooLarge",
        "RequestRefused",
        "CsrfText",
        "PlanTitle",
        "PlanLead",
        "PlanImpossible",
        "PreflightProblems",
        "PlanServices",
        "PlanNoService",
        "PlanNothing",
        "PlanChanges",
        "PlanChangesOne",
        "Leftover",
        "FrontendTitle",
        "FrontendUnchanged",
        "FilesAdded",
        "FilesChanged",
        "FilesRemoved",
        "ApplyHeading",
        "ApplyButton",
        "RefreshImages",
        "ApplyBlocked",
        "ApplyAlreadyRunning",
        "FollowRun",
        "ApplyTitle",
        "NoRun",
        "RunStarted",
        "AttachedToRun",
        "Progress",
        "RunRunning",
        "ErrorShort",
        "OutcomeSuccess",
        "OutcomeFailure",
        "Result",
        "Succeeded",
        "Failed",
        "FrontendNone",
        "FrontendReloaded",
        "FrontendStarted",
        "SeeStatus",
        "LastLogLines",
        "LastLogLinesOf",
        "ApplyInterrupted",
        "ApplyUnexpected",
        "Service",
        "Technology",
        "Action",
        "Reasons",
        "ActionCreate",
        "ActionRecreate",
        "ActionStart",
        "ActionRemove",
        "ActionKeep",
        "StatusTitle",
        "StatusLead",
        "StatusUnavailable",
        "StatusConfigured",
        "StatusNone",
        "StatusLeftovers",
        "StatusNoLeftover",
        "StatusLeftoversHint",
        "Refresh",
        "State",
        "ImageVersion",
        "Ports",
        "Link",
        "StateRunning",
        "StateStopped",
        "StateMissing",
        "StateAbsent",
        "NoLogs",
        "LogsUnavailable",
        "LoginTitle",
        "LoginLead",
        "UserName",
        "Password",
        "LoginButton",
        "LoginFailed",
        "TooManyAttempts",
        "NoPasswordSet",
        "PasswordPrompt",
        "PasswordConfirm",
        "PasswordEmpty",
        "PasswordMismatch",
        "PasswordTooShort",
        "PasswordOneLine",
        "PasswordSaved",
        "NoPasswordForServer",
        "Listening",
        "BadListen",
        "CertificateMissing",
        "CertificateUnreadable",
    ];

    public static string Get(string key) => Resources.GetString(key, CultureInfo.CurrentUICulture) ?? key;

    private static string Format(string key, params object?[] args) => string.Format(CultureInfo.CurrentCulture, Get(key), args);

    public static string SkipToContent => Get(nameof(SkipToContent));

    public static string ServerTitle => Get(nameof(ServerTitle));

    public static string MainNavigation => Get(nameof(MainNavigation));

    public static string NavConfiguration => Get(nameof(NavConfiguration));

    public static string NavApply => Get(nameof(NavApply));

    public static string NavStatus => Get(nameof(NavStatus));

    public static string Language => Get(nameof(Language));

    public static string Logout => Get(nameof(Logout));

    public static string Footer => Get(nameof(Footer));

    public static string ConfigurationTitle => Get(nameof(ConfigurationTitle));

    public static string ConfigurationLead => Get(nameof(ConfigurationLead));

    public static string ConfigurationUnusable => Get(nameof(ConfigurationUnusable));

    public static string Families => Get(nameof(Families));

    public static string DisplayMode => Get(nameof(DisplayMode));

    public static string ModeBasic => Get(nameof(ModeBasic));

    public static string ModeNormal => Get(nameof(ModeNormal));

    public static string ModeExpert => Get(nameof(ModeExpert));

    public static string Check => Get(nameof(Check));

    public static string Save => Get(nameof(Save));

    public static string Required => Get(nameof(Required));

    public static string NoChoice => Get(nameof(NoChoice));

    public static string NoValue => Get(nameof(NoValue));

    public static string NoRow => Get(nameof(NoRow));

    public static string AddValue => Get(nameof(AddValue));

    public static string AddRow => Get(nameof(AddRow));

    public static string Remove => Get(nameof(Remove));

    public static string Row => Get(nameof(Row));

    public static string RowLabel(object? a0, object? a1) => Format(nameof(RowLabel), a0, a1);

    public static string RemoveRow(object? a0, object? a1) => Format(nameof(RemoveRow), a0, a1);

    public static string Actions => Get(nameof(Actions));

    public static string PasswordUnchanged => Get(nameof(PasswordUnchanged));

    public static string ErrorCount(object? a0) => Format(nameof(ErrorCount), a0);

    public static string ErrorCountOne => Get(nameof(ErrorCountOne));

    public static string ErrorSummary(object? a0) => Format(nameof(ErrorSummary), a0);

    public static string ErrorSummaryOne => Get(nameof(ErrorSummaryOne));

    public static string WarningsTitle => Get(nameof(WarningsTitle));

    public static string CheckPassed(object? a0) => Format(nameof(CheckPassed), a0);

    public static string CheckPassedOne => Get(nameof(CheckPassedOne));

    public static string NothingChanged => Get(nameof(NothingChanged));

    public static string Saved(object? a0) => Format(nameof(Saved), a0);

    public static string SavedOne => Get(nameof(SavedOne));

    public static string SavedNext => Get(nameof(SavedNext));

    public static string SeePlan => Get(nameof(SeePlan));

    public static string BackToConfiguration => Get(nameof(BackToConfiguration));

    public static string CsrfTitle => Get(nameof(CsrfTitle));

    public static string RequestTooLarge => Get(nameof(RequestTooLarge));

    public static string RequestRefused => Get(nameof(RequestRefused));

    public static string CsrfText => Get(nameof(CsrfText));

    public static string PlanTitle => Get(nameof(PlanTitle));

    public static string PlanLead => Get(nameof(PlanLead));

    public static string PlanImpossible => Get(nameof(PlanImpossible));

    public static string PreflightProblems => Get(nameof(PreflightProblems));

    public static string PlanServices => Get(nameof(PlanServices));

    public static string PlanNoService => Get(nameof(PlanNoService));

    public static string PlanNothing => Get(nameof(PlanNothing));

    public static string PlanChanges(object? a0) => Format(nameof(PlanChanges), a0);

    public static string PlanChangesOne => Get(nameof(PlanChangesOne));

    public static string Leftover(object? a0, object? a1) => Format(nameof(Leftover), a0, a1);

    public static string FrontendTitle => Get(nameof(FrontendTitle));

    public static string FrontendUnchanged => Get(nameof(FrontendUnchanged));

    public static string FilesAdded => Get(nameof(FilesAdded));

    public static string FilesChanged => Get(nameof(FilesChanged));

    public static string FilesRemoved => Get(nameof(FilesRemoved));

    public static string ApplyHeading => Get(nameof(ApplyHeading));

    public static string ApplyButton => Get(nameof(ApplyButton));

    public static string RefreshImages => Get(nameof(RefreshImages));

    public static string ApplyBlocked => Get(nameof(ApplyBlocked));

    public static string ApplyAlreadyRunning(object? a0, object? a1) => Format(nameof(ApplyAlreadyRunning), a0, a1);

    public static string FollowRun => Get(nameof(FollowRun));

    public static string ApplyTitle => Get(nameof(ApplyTitle));

    public static string NoRun => Get(nameof(NoRun));

    public static string RunStarted(object? a0, object? a1) => Format(nameof(RunStarted), a0, a1);

    public static string AttachedToRun => Get(nameof(AttachedToRun));

    public static string Progress => Get(nameof(Progress));

    public static string RunRunning => Get(nameof(RunRunning));

    public static string ErrorShort => Get(nameof(ErrorShort));

    public static string OutcomeSuccess => Get(nameof(OutcomeSuccess));

    public static string OutcomeFailure => Get(nameof(OutcomeFailure));

    public static string Result => Get(nameof(Result));

    public static string Succeeded => Get(nameof(Succeeded));

    public static string Failed => Get(nameof(Failed));

    public static string FrontendNone => Get(nameof(FrontendNone));

    public static string FrontendReloaded => Get(nameof(FrontendReloaded));

    public static string FrontendStarted => Get(nameof(FrontendStarted));

    public static string SeeStatus => Get(nameof(SeeStatus));

    public static string LastLogLines => Get(nameof(LastLogLines));

    public static string LastLogLinesOf(object? a0) => Format(nameof(LastLogLinesOf), a0);

    public static string ApplyInterrupted => Get(nameof(ApplyInterrupted));

    public static string ApplyUnexpected(object? a0) => Format(nameof(ApplyUnexpected), a0);

    public static string Service => Get(nameof(Service));

    public static string Technology => Get(nameof(Technology));

    public static string Action => Get(nameof(Action));

    public static string Reasons => Get(nameof(Reasons));

    public static string ActionCreate => Get(nameof(ActionCreate));

    public static string ActionRecreate => Get(nameof(ActionRecreate));

    public static string ActionStart => Get(nameof(ActionStart));

    public static string ActionRemove => Get(nameof(ActionRemove));

    public static string ActionKeep => Get(nameof(ActionKeep));

    public static string StatusTitle => Get(nameof(StatusTitle));

    public static string StatusLead => Get(nameof(StatusLead));

    public static string StatusUnavailable => Get(nameof(StatusUnavailable));

    public static string StatusConfigured => Get(nameof(StatusConfigured));

    public static string StatusNone => Get(nameof(StatusNone));

    public static string StatusLeftovers => Get(nameof(StatusLeftovers));

    public static string StatusNoLeftover => Get(nameof(StatusNoLeftover));

    public static string StatusLeftoversHint => Get(nameof(StatusLeftoversHint));

    public static string Refresh => Get(nameof(Refresh));

    public static string State => Get(nameof(State));

    public static string ImageVersion => Get(nameof(ImageVersion));

    public static string Ports => Get(nameof(Ports));

    public static string Link => Get(nameof(Link));

    public static string StateRunning => Get(nameof(StateRunning));

    public static string StateStopped => Get(nameof(StateStopped));

    public static string StateMissing => Get(nameof(StateMissing));

    public static string StateAbsent => Get(nameof(StateAbsent));

    public static string NoLogs => Get(nameof(NoLogs));

    public static string LogsUnavailable(object? a0) => Format(nameof(LogsUnavailable), a0);

    public static string LoginTitle => Get(nameof(LoginTitle));

    public static string LoginLead => Get(nameof(LoginLead));

    public static string UserName => Get(nameof(UserName));

    public static string Password => Get(nameof(Password));

    public static string LoginButton => Get(nameof(LoginButton));

    public static string LoginFailed => Get(nameof(LoginFailed));

    public static string TooManyAttempts(object? a0) => Format(nameof(TooManyAttempts), a0);

    public static string NoPasswordSet => Get(nameof(NoPasswordSet));

    public static string PasswordPrompt => Get(nameof(PasswordPrompt));

    public static string PasswordConfirm => Get(nameof(PasswordConfirm));

    public static string PasswordEmpty => Get(nameof(PasswordEmpty));

    public static string PasswordMismatch => Get(nameof(PasswordMismatch));

    public static string PasswordTooShort(object? a0) => Format(nameof(PasswordTooShort), a0);

    public static string PasswordOneLine => Get(nameof(PasswordOneLine));

    public static string PasswordSaved(object? a0) => Format(nameof(PasswordSaved), a0);

    public static string NoPasswordForServer => Get(nameof(NoPasswordForServer));

    public static string Listening(object? a0) => Format(nameof(Listening), a0);

    public static string BadListen(object? a0) => Format(nameof(BadListen), a0);

    public static string CertificateMissing(object? a0, object? a1) => Format(nameof(CertificateMissing), a0, a1);

    public static string CertificateUnreadable(object? a0, object? a1) => Format(nameof(CertificateUnreadable), a0, a1);
}
