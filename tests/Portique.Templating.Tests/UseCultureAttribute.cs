using System.Globalization;
using System.Reflection;
using Xunit.Sdk;

namespace Portique.Templating.Tests;

/// <summary>Runs a test under a UI culture (messages are localised), whatever the machine's locale.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class UseCultureAttribute(string culture) : BeforeAfterTestAttribute
{
    private CultureInfo? _previous;

    public string Culture => culture;

    public override void Before(MethodInfo methodUnderTest)
    {
        _previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
    }

    public override void After(MethodInfo methodUnderTest) => CultureInfo.CurrentUICulture = _previous!;
}
