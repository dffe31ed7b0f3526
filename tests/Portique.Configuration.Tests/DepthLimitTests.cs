using System.Diagnostics;
using System.Text;
using Portique.Core;

namespace Portique.Configuration.Tests;

/// <summary>Inputs that would exhaust the stack or the clock are refused quickly with a clear message.</summary>
public sealed class DepthLimitTests
{
    [Fact]
    public void A_chain_of_ten_thousand_fills_is_refused_at_load_instead_of_overflowing_the_stack()
    {
        using var culture = UiCulture.English();
        const int Count = 10_000;
        var variables = new StringBuilder("<family name='f'>");
        var fills = new StringBuilder();
        for (var i = 0; i < Count; i++)
        {
            variables.Append(CultureInfo($"<variable name='v{i}'/>"));
            if (i > 0)
            {
                fills.Append(CultureInfo($"<fill name='calc_val' target='v{i}'><param type='eole'>v{i - 1}</param></fill>"));
            }
        }

        variables.Append("</family>");

        var error = Assert.Throws<DictionaryException>(() => Dictionaries.One(variables.ToString(), fills.ToString()));

        Assert.Contains(error.Diagnostics, d => d.Message.Contains("goes through more than 100 variables", StringComparison.Ordinal));
    }

    [Fact]
    public void A_chain_of_fills_within_the_limit_is_evaluated()
    {
        var variables = new StringBuilder("<family name='f'><variable name='v0'><value>x</value></variable>");
        var fills = new StringBuilder();
        for (var i = 1; i < 90; i++)
        {
            variables.Append(CultureInfo($"<variable name='v{i}'/>"));
            fills.Append(CultureInfo($"<fill name='calc_val' target='v{i}'><param type='eole'>v{i - 1}</param></fill>"));
        }

        var source = Dictionaries.One(variables.Append("</family>").ToString(), fills.ToString());

        Assert.Equal(["x"], source.Evaluate().Variable("v89").Values);
    }

    [Fact]
    public void Two_hundred_thousand_nested_elements_are_refused_fast_naming_the_file_and_line()
    {
        using var culture = UiCulture.English();
        var xml = new StringBuilder("<creole>\n");
        for (var i = 0; i < 200_000; i++)
        {
            xml.Append("<a>");
        }

        var stopwatch = Stopwatch.StartNew();
        var error = Assert.Throws<DictionaryException>(() => DictionarySource.Parse([new("10_deep.xml", xml.ToString())]));

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"took {stopwatch.Elapsed}");
        var problem = Assert.Single(error.Diagnostics);
        Assert.Equal("10_deep.xml:2", problem.Subject);
        Assert.Contains("nested more than 32 levels", problem.Message, StringComparison.Ordinal);
    }

    private static string CultureInfo(FormattableString text) => FormattableString.Invariant(text);
}
