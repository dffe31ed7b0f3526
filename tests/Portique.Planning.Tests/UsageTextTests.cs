namespace Portique.Planning.Tests;

public class UsageTextTests
{
    [Fact]
    public void The_limits_column_shows_use_against_each_limit_and_a_dash_for_a_figure_the_engine_does_not_give()
    {
        var bounded = Specs.Web() with { MemoryBytes = 512L << 20, Cpus = 1.5m };

        Assert.Equal("mem 41M/512M  cpu 3%/1.5", UsageText.Of(bounded, new ResourceUsage(41L << 20, 3.2m)));
        Assert.Equal("mem 41M/512M  cpu —/1.5", UsageText.Of(bounded, new ResourceUsage(41L << 20, null)));
        Assert.Equal("mem —/512M  cpu —/1.5", UsageText.Of(bounded, null));
        Assert.Equal("cpu —/1.5", UsageText.Of(bounded with { MemoryBytes = null }, null));
        Assert.Null(UsageText.Of(Specs.Web(), new ResourceUsage(41L << 20, 3m)));
    }

    [Theory]
    [InlineData(812L << 10, "812K")]
    [InlineData((41L << 20) + 1000, "41M")]
    [InlineData(3L << 29, "1.5G")]
    public void A_size_in_use_is_rounded_for_reading(long bytes, string text) => Assert.Equal(text, UsageText.Approximate(bytes));
}
