namespace Portique.GenConfig;

/// <summary>Counted phrases: the singular for one ("1 erreur"), the plural otherwise ("2 erreurs").</summary>
public static partial class Ui
{
    public static string ErrorCountOf(int count) => count == 1 ? ErrorCountOne : FormatErrorCount(count);

    public static string ErrorSummaryOf(int count) => count == 1 ? ErrorSummaryOne : FormatErrorSummary(count);

    public static string CheckPassedOf(int count) => count == 1 ? CheckPassedOne : FormatCheckPassed(count);

    public static string SavedOf(int count) => count == 1 ? SavedOne : FormatSaved(count);

    public static string PlanChangesOf(int count) => count == 1 ? PlanChangesOne : FormatPlanChanges(count);
}
