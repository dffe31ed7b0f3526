using static Portique.Templating.Tests.Render;

namespace Portique.Templating.Tests;

[UseCulture("fr")]
public sealed class ExpressionTests
{
    private static string Eval(string expression, params (string Name, object? Value)[] variables) =>
        Text($"%set %%result = {expression}\n%%result", variables);

    [Theory]
    [InlineData("1 + 2 * 3", "7")]
    [InlineData("(1 + 2) * 3", "9")]
    [InlineData("10 - 2 - 3", "5")]
    [InlineData("-3 + +1", "-2")]
    [InlineData("- - 4", "4")]
    [InlineData("7 // 2", "3")]
    [InlineData("-7 // 2", "-4")]
    [InlineData("7 % 3", "1")]
    [InlineData("-7 % 3", "2")]
    [InlineData("7 % -3", "-2")]
    [InlineData("7 / 2", "3.5")]
    [InlineData("4 / 2", "2.0")]
    [InlineData("1 / 3", "0.3333333333333333")]
    [InlineData("2.5 * 2", "5.0")]
    [InlineData("1e16 * 1", "1e+16")]
    [InlineData("0.00001 + 0", "1e-05")]
    [InlineData("True + 1", "2")]
    public void Arithmetic_follows_Python(string expression, string expected) =>
        Assert.Equal(expected, Eval(expression));

    [Theory]
    [InlineData("'a' + 'b'", "ab")]
    [InlineData("'-' * 3", "---")]
    [InlineData("2 * 'ab'", "abab")]
    [InlineData("'x' * -1", "")]
    [InlineData("[1] + [2, 3]", "[1, 2, 3]")]
    [InlineData("[0] * 2", "[0, 0]")]
    [InlineData("[]", "[]")]
    [InlineData("[1, 'a', [True, None],]", "[1, 'a', [True, None]]")]
    public void Strings_and_lists_concatenate_and_repeat(string expression, string expected) =>
        Assert.Equal(expected, Eval(expression));

    [Theory]
    [InlineData("1 == 1", "True")]
    [InlineData("1 == '1'", "False")]
    [InlineData("1 == 1.0", "True")]
    [InlineData("True == 1", "True")]
    [InlineData("'a' != 'b'", "True")]
    [InlineData("2 < 10", "True")]
    [InlineData("'2' < '10'", "False")]
    [InlineData("1 <= 1 < 2", "True")]
    [InlineData("1 < 3 > 4", "False")]
    [InlineData("[1, 2] < [1, 3]", "True")]
    [InlineData("'b' in 'abc'", "True")]
    [InlineData("'80' in ['80', '443']", "True")]
    [InlineData("'22' not in ['80', '443']", "True")]
    [InlineData("None is None", "True")]
    [InlineData("1 is not None", "True")]
    [InlineData("None == None", "True")]
    public void Comparisons_follow_Python(string expression, string expected) =>
        Assert.Equal(expected, Eval(expression));

    [Theory]
    [InlineData("'' or 'default'", "default")]
    [InlineData("'set' or 'default'", "set")]
    [InlineData("0 and 1", "0")]
    [InlineData("1 and 'last'", "last")]
    [InlineData("not ''", "True")]
    [InlineData("not [0]", "False")]
    [InlineData("not 1 == 2", "True")]
    [InlineData("True or 1 / 0", "True")]
    [InlineData("False and %%undefined", "False")]
    [InlineData("1 == 1 and 2 == 3 or 'x'", "x")]
    public void Boolean_operators_short_circuit_and_return_an_operand(string expression, string expected) =>
        Assert.Equal(expected, Eval(expression));

    [Theory]
    [InlineData("'it\\'s'", "it's")]
    [InlineData("\"say \\\"hi\\\"\"", "say \"hi\"")]
    [InlineData("'a\\tb'", "a\tb")]
    [InlineData("'\\x41\\u00e9'", "Aé")]
    [InlineData("'C:\\d'", "C:\\d")]
    [InlineData("r'a\\n'", "a\\n")]
    [InlineData("u'unicode'", "unicode")]
    public void String_literals_understand_Python_quotes_and_escapes(string expression, string expected) =>
        Assert.Equal(expected, Eval(expression));

    [Theory]
    [InlineData("'abcdef'[1:3]", "bc")]
    [InlineData("'abcdef'[-2:]", "ef")]
    [InlineData("'abcdef'[:2]", "ab")]
    [InlineData("[1, 2, 3][1:]", "[2, 3]")]
    [InlineData("[1, 2, 3][5:9]", "[]")]
    [InlineData("'abc'[-1]", "c")]
    public void Slices_clamp_their_bounds_like_Python(string expression, string expected) =>
        Assert.Equal(expected, Eval(expression));

    [Fact]
    public void Conditions_use_Python_truthiness() =>
        Assert.Equal("ab", Text("""
            %if %%empty_list or %%empty_text or %%zero or %%none
            wrong
            %end if
            %if %%items and %%text and %%number
            a%slurp
            %end if
            %if not %%empty_list
            b%slurp
            %end if
            """, ("empty_list", List()), ("empty_text", string.Empty), ("zero", 0L), ("none", null),
            ("items", List("x")), ("text", "t"), ("number", 3L)));

    [Fact]
    public void Bare_names_read_locals_and_placeholders_read_them_too() =>
        Assert.Equal("3 3", Text("%set x = 3\n%%x %slurp\n%set %%y = x\n%%y"));
}
