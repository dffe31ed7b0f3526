using static Portique.Templating.Tests.Render;

namespace Portique.Templating.Tests;

[UseCulture("fr")]
public sealed class PlaceholderTests
{
    [Fact]
    public void A_placeholder_renders_the_variable_value() =>
        Assert.Equal("NAME='web'\n", Text("NAME='%%name'\n", ("name", "web")));

    [Fact]
    public void A_placeholder_name_stops_at_the_first_character_that_cannot_be_part_of_a_name() =>
        Assert.Equal("web-2/24 web.", Text("%%name-%%n/24 %%name.", ("name", "web"), ("n", 2L)));

    [Fact]
    public void A_placeholder_name_takes_every_name_character_so_x_IN_is_one_variable() =>
        Assert.Equal("in", Text("%%x_IN", ("x", "x"), ("x_IN", "in")));

    [Fact]
    public void A_braced_placeholder_separates_the_name_from_the_text_after_it() =>
        Assert.Equal("PORT1_IN", Text("PORT%%{x}_IN", ("x", 1L)));

    [Fact]
    public void A_braced_placeholder_may_hold_attributes_calls_and_blanks() =>
        Assert.Equal("WEB!", Text("%%{ name.upper() }!", ("name", "web")));

    [Fact]
    public void A_placeholder_can_be_indexed_from_the_start_or_from_the_end() =>
        Assert.Equal("80 443 443", Text("%%ports[0] %%ports[1] %%ports[-1]", ("ports", List("80", "443"))));

    [Fact]
    public void An_index_can_be_an_expression() =>
        Assert.Equal("443", Text("%%ports[%%i + 1]", ("ports", List("80", "443")), ("i", 0L)));

    [Fact]
    public void A_placeholder_can_call_a_method() =>
        Assert.Equal("WEB web", Text("%%name.upper() %%name.lower()", ("name", "Web")));

    [Fact]
    public void A_method_named_without_parentheses_is_called_as_Cheetah_does() =>
        Assert.Equal("WEB", Text("%%name.upper", ("name", "web")));

    [Fact]
    public void Method_calls_and_indexes_chain() =>
        Assert.Equal("192", Text("%%ip.split('.')[0]", ("ip", "192.168.0.1")));

    [Fact]
    public void A_placeholder_can_call_a_helper_function() =>
        Assert.Equal("True False", Text("%%is_defined('a') %%is_defined('b')", ("a", null)));

    [Fact]
    public void A_dot_not_followed_by_a_name_ends_the_placeholder() =>
        Assert.Equal("host.example.org", Text("%%host.%%domain", ("host", "host"), ("domain", "example.org")));

    [Fact]
    public void Trailers_must_touch_the_placeholder_in_text() =>
        Assert.Equal("web [0] (x)", Text("%%name [0] (x)", ("name", "web")));

    [Theory]
    [InlineData(null, "")]
    [InlineData(true, "True")]
    [InlineData(false, "False")]
    [InlineData(42L, "42")]
    [InlineData(-7, "-7")]
    [InlineData("texte", "texte")]
    public void Values_render_like_Python_str_and_None_as_nothing_as_cheetahs_filter(object? value, string expected) =>
        Assert.Equal(expected, Text("%%v", ("v", value)));

    [Fact]
    public void A_multi_variable_renders_like_a_Python_list() =>
        Assert.Equal("['a', \"l'b\", 3, None, True]", Text("%%v", ("v", List("a", "l'b", 3L, null, true))));

    [Fact]
    public void A_master_variable_renders_as_the_list_of_its_values() =>
        Assert.Equal("['80', '443']", Text("%%v", ("v", List(Row("80", ("s", "x")), Row("443", ("s", "y"))))));

    [Fact]
    public void A_double_percent_not_followed_by_a_name_is_literal_text() =>
        Assert.Equal("100%% done %% {", Text("100%% done %% {"));

    [Fact]
    public void A_placeholder_at_the_end_of_the_text_renders() =>
        Assert.Equal("v=1", Text("v=%%v", ("v", 1L)));
}
