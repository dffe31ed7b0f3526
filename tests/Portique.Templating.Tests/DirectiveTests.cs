using static Portique.Templating.Tests.Render;

namespace Portique.Templating.Tests;

[UseCulture("fr")]
public sealed class DirectiveTests
{
    private const string IfElifElse = """
        %if %%type == 'web'
        web
        %elif %%type == 'db'
        db
        %else
        other
        %end if
        end
        """;

    [Theory]
    [InlineData("web", "web\nend")]
    [InlineData("db", "db\nend")]
    [InlineData("cache", "other\nend")]
    public void An_if_chain_renders_the_first_branch_whose_condition_holds(string type, string expected) =>
        Assert.Equal(expected, Text(IfElifElse, ("type", type)));

    [Fact]
    public void Else_if_is_accepted_as_elif() =>
        Assert.Equal("two\n", Text("%if %%n == 1\none\n%else if %%n == 2\ntwo\n%end if\n", ("n", 2L)));

    [Fact]
    public void A_line_holding_only_a_directive_produces_nothing_not_even_its_newline() =>
        Assert.Equal("a\nb\n", Text("a\n   %if True   \nb\n\t%end if\n"));

    [Fact]
    public void Directive_lines_with_windows_line_endings_vanish_whole() =>
        Assert.Equal("a\r\nb\r\n", Text("a\r\n%if True\r\nb\r\n%end if\r\n"));

    [Fact]
    public void A_directive_after_text_keeps_the_text_and_the_newline() =>
        Assert.Equal("x = \n", Text("x = %set %%y = 1\n"));

    [Fact]
    public void A_directive_line_may_end_with_a_comment() =>
        Assert.Equal("yes\n", Text("%if True  %# always\nyes\n%end if %# done\n"));

    [Fact]
    public void A_for_loop_renders_its_body_once_per_item() =>
        Assert.Equal("- a\n- b\n", Text("%for %%x in %%items\n- %%x\n%end for\n", ("items", List("a", "b"))));

    [Fact]
    public void A_for_loop_accepts_bare_names_and_any_expression() =>
        Assert.Equal("0 1 2 ", Text("%for i in range(3)\n%%i %slurp\n%end for\n"));

    [Fact]
    public void A_for_loop_over_a_string_walks_its_characters() =>
        Assert.Equal("a.b.", Text("%for %%c in 'ab'\n%%c.%slurp\n%end for\n"));

    [Fact]
    public void A_for_loop_can_unpack_enumerate() =>
        Assert.Equal("0:a 1:b ", Text("%for %%i, %%x in enumerate(%%l)\n%%i:%%x %slurp\n%end for\n", ("l", List("a", "b"))));

    [Fact]
    public void Loops_and_conditions_nest() =>
        Assert.Equal("1a\n2a\n2b\n", Text("""
            %for %%n in [1, 2]
            %for %%c in ['a', 'b']
            %if %%n == 2 or %%c == 'a'
            %%n%%c
            %end if
            %end for
            %end for

            """));

    [Fact]
    public void Set_defines_a_local_visible_after_it() =>
        Assert.Equal("v=3\n", Text("%set %%x = 1 + 2\nv=%%x\n"));

    [Fact]
    public void A_loop_body_updates_a_local_set_before_the_loop() =>
        Assert.Equal("PORT1_IN=80\nPORT2_IN=443\ntotal=2\n", Text("""
            %set %%x = 0
            %for %%port in %%ports
            %set %%x = %%x + 1
            PORT%%{x}_IN=%%port
            %end for
            total=%%x

            """, ("ports", List("80", "443"))));

    [Fact]
    public void A_local_hides_the_configuration_variable_of_the_same_name_once_set() =>
        Assert.Equal("config\nlocal", Text("%%v\n%set %%v = 'local'\n%%v", ("v", "config")));

    [Fact]
    public void A_loop_variable_stays_set_after_the_loop_as_in_Python() =>
        Assert.Equal("last=b", Text("%for %%x in ['a', 'b']\n%end for\nlast=%%x"));

    [Fact]
    public void Slurp_drops_the_newline_at_the_end_of_its_line() =>
        Assert.Equal("a b\n", Text("a %slurp\nb\n"));

    [Fact]
    public void A_percent_ending_a_line_of_output_joins_it_with_the_next_line() =>
        Assert.Equal("a=1b\n", Text("a=%%v%\nb\n", ("v", 1L)));

    [Fact]
    public void The_end_of_line_percent_also_swallows_blanks_after_it() =>
        Assert.Equal("ab", Text("a% \t\r\nb"));

    [Fact]
    public void A_percent_alone_on_its_line_is_literal_text() =>
        Assert.Equal("  %\nb", Text("  %\nb"));

    [Fact]
    public void Break_leaves_the_loop() =>
        Assert.Equal("12", Text("%for %%n in [1, 2, 3]\n%if %%n == 3\n%break\n%end if\n%%n%slurp\n%end for\n"));

    [Fact]
    public void Continue_skips_to_the_next_item() =>
        Assert.Equal("13", Text("%for %%n in [1, 2, 3]\n%if %%n == 2\n%continue\n%end if\n%%n%slurp\n%end for\n"));

    [Fact]
    public void An_empty_loop_renders_nothing() =>
        Assert.Equal("[]", Text("[%for %%x in %%l\n%%x\n%end for\n]", ("l", List())));
}
