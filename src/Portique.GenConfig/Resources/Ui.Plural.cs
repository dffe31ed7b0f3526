namespace Portique.GenConfig;

/// <summary>Counted phrases: the singular for one ("1 erreur"), the plural otherwise ("2 erreurs").</summary>
public static partial class Ui
{
    public static string ErrorCountOf(int count) => count == 1 ? ErrorCountOne : ErrorCount(count);

    public static string ErrorSummaryOf(int count) => count == 1 ? ErrorSummaryOne : ErrorSummary(count);

    public static string CheckPassedOf(int count) => count == 1 ? CheckPassedOne : CheckPassed(count);

    public static string SavedOf(int count) => count == 1 ? SavedOne : Saved(count);

    public static string PlanChangesOf(int count) => count == 1 ? PlanChangesOne : PlanChanges(count);
}
