using static Portique.Templating.Tests.Render;

namespace Portique.Templating.Tests;

[UseCulture("fr")]
public sealed class CommentAndEscapeTests
{
    [Fact]
    public void A_line_holding_only_a_comment_vanishes() =>
        Assert.Equal("a\nb\n", Text("a\n  %# note for admins\nb\n"));

    [Fact]
    public void A_comment_after_text_removes_the_rest_of_the_line_but_not_the_newline() =>
        Assert.Equal("a \nb", Text("a %# note\nb"));

    [Fact]
    public void A_multi_line_comment_vanishes_with_the_lines_it_fills() =>
        Assert.Equal("a\nb\n", Text("a\n%* first\n   second *%\nb\n"));

    [Fact]
    public void A_multi_line_comment_inside_a_line_removes_only_itself() =>
        Assert.Equal("a  b\n", Text("a %* hidden %%x *% b\n"));

    [Fact]
    public void A_backslash_before_a_percent_makes_it_literal() =>
        Assert.Equal("%if x\n", Text("\\%if x\n"));

    [Fact]
    public void An_escaped_placeholder_renders_as_written() =>
        Assert.Equal("%%var", Text("\\%%var"));

    [Fact]
    public void A_doubled_backslash_before_a_percent_is_one_backslash() =>
        Assert.Equal("\\web \\%%v", Text("\\\\%%v \\\\\\%%v", ("v", "web")));

    [Fact]
    public void An_escaped_percent_at_the_end_of_a_line_keeps_the_newline() =>
        Assert.Equal("50%\nb", Text("50\\%\nb"));

    [Fact]
    public void Backslashes_elsewhere_are_plain_text() =>
        Assert.Equal("a\\nb \\\\ \\d", Text("a\\nb \\\\ \\d"));

    [Theory]
    [InlineData("width: 100%;")]
    [InlineData("printf '%d %s %-5s\\n' 1 a b")]
    [InlineData("date +%Y-%m-%d")]
    [InlineData("log_format main '$remote_addr %{x}';")]
    [InlineData("%iffy %ending %format %sets")]
    [InlineData("% if a space follows the percent")]
    public void A_percent_that_starts_no_directive_or_placeholder_is_literal_text(string line) =>
        Assert.Equal(line + "\n", Text(line + "\n"));
}
