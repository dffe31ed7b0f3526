using static Portique.Templating.Tests.Render;

namespace Portique.Templating.Tests;

[UseCulture("fr")]
public sealed class BuiltinTests
{
    private static string Eval(string expression, params (string Name, object? Value)[] variables) =>
        Text($"%set %%result = {expression}\n%%result", variables);

    [Theory]
    [InlineData("int('42') + 1", "43")]
    [InlineData("int(' -7 ')", "-7")]
    [InlineData("int(3.9)", "3")]
    [InlineData("int(True)", "1")]
    [InlineData("str(42) + '!'", "42!")]
    [InlineData("str(None)", "None")]
    [InlineData("str()", "")]
    [InlineData("bool('')", "False")]
    [InlineData("len('abc')", "3")]
    [InlineData("len([1, 2])", "2")]
    [InlineData("range(3)", "[0, 1, 2]")]
    [InlineData("range(1, 4)", "[1, 2, 3]")]
    [InlineData("range(10, 0, -3)", "[10, 7, 4, 1]")]
    [InlineData("range(5, 1)", "[]")]
    [InlineData("enumerate(['a', 'b'])", "[(0, 'a'), (1, 'b')]")]
    [InlineData("enumerate('ab', 1)", "[(1, 'a'), (2, 'b')]")]
    [InlineData("min(3, 1, 2)", "1")]
    [InlineData("max([3, 1, 2])", "3")]
    [InlineData("max('b', 'a')", "b")]
    public void Python_builtins_behave_like_Python(string expression, string expected) =>
        Assert.Equal(expected, Eval(expression));

    [Theory]
    [InlineData("'Web'.upper()", "WEB")]
    [InlineData("'Web'.lower()", "web")]
    [InlineData("'  x  '.strip() + '|'", "x|")]
    [InlineData("'  x  '.lstrip() + '|'", "x  |")]
    [InlineData("'  x  '.rstrip() + '|'", "  x|")]
    [InlineData("'--x--'.strip('-')", "x")]
    [InlineData("'a,b,,c'.split(',')", "['a', 'b', '', 'c']")]
    [InlineData("'  a  b \\t c '.split()", "['a', 'b', 'c']")]
    [InlineData("'a b c'.split(None, 1)", "['a', 'b c']")]
    [InlineData("'a.b.c'.split('.', 1)", "['a', 'b.c']")]
    [InlineData("', '.join(['a', 'b'])", "a, b")]
    [InlineData("'-'.join('abc')", "a-b-c")]
    [InlineData("'/var/www'.startswith('/var')", "True")]
    [InlineData("'site.conf'.endswith('.conf')", "True")]
    [InlineData("'a-b-c'.replace('-', '_')", "a_b_c")]
    [InlineData("'a-b-c'.replace('-', '', 1)", "ab-c")]
    [InlineData("'ab'.replace('', '.')", ".a.b.")]
    [InlineData("['a', 'b', 'a'].count('a')", "2")]
    [InlineData("['a', 'b'].index('b')", "1")]
    public void String_and_list_methods_behave_like_Python(string expression, string expected) =>
        Assert.Equal(expected, Eval(expression));

    [Fact]
    public void Is_defined_tells_whether_the_configuration_has_the_variable() =>
        Assert.Equal("True False", Text("%%is_defined('present') %%is_defined('absent')", ("present", null)));

    [Fact]
    public void GetVar_reads_a_variable_by_name_with_an_optional_default() =>
        Assert.Equal("web fallback", Text("%%getVar('name') %%getVar('missing', 'fallback')", ("name", "web")));

    [Theory]
    [InlineData(null, "True")]
    [InlineData("", "True")]
    [InlineData("x", "False")]
    [InlineData(0L, "False")]
    public void Is_empty_holds_for_None_and_the_empty_string(object? value, string expected) =>
        Assert.Equal(expected, Text("%%is_empty(%%v)", ("v", value)));

    [Fact]
    public void Is_empty_holds_for_an_empty_multi_and_a_multi_holding_only_an_empty_string() =>
        Assert.Equal("True True False", Text("%%is_empty(%%a) %%is_empty(%%b) %%is_empty(%%c)", ("a", List()), ("b", List(string.Empty)), ("c", List("x"))));

    [Fact]
    public void Custom_join_joins_a_multi_with_a_space_or_the_given_separator() =>
        Assert.Equal("80 443|80,443", Text("%%custom_join(%%ports)|%%custom_join(%%ports, ',')", ("ports", List(80L, "443"))));

    [Fact]
    public void Helpers_can_be_called_bare_inside_directives() =>
        Assert.Equal("yes", Text("%if is_defined('x') and not is_empty(%%x)\nyes%slurp\n%end if\n", ("x", "v")));

    [Fact]
    public void Shell_quote_makes_one_single_quoted_word_of_any_text() =>
        Assert.Equal("'it'\\''s $(id) `x`'|''|'8080'", Text("%%shell_quote(%%x)|%%shell_quote(%%none)|%%shell_quote(%%port)", ("x", "it's $(id) `x`"), ("none", null), ("port", 8080L)));
}
