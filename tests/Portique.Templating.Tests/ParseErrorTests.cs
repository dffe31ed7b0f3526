using Portique.Core;
using static Portique.Templating.Tests.Render;

namespace Portique.Templating.Tests;

[UseCulture("fr")]
public sealed class ParseErrorTests
{
    [Fact]
    public void An_unclosed_if_is_reported_at_the_end_with_the_line_that_opened_it()
    {
        var error = ParseError("a\n%if True\nb\n");
        Assert.Equal("test.tmpl:4:1", error.Subject);
        Assert.Equal("« %end if » attendu pour fermer « %if » ouvert ligne 2", error.Message);
    }

    [Fact]
    public void An_unclosed_for_is_reported_too() =>
        Assert.Equal("« %end for » attendu pour fermer « %for » ouvert ligne 1", ParseError("%for %%x in %%l\n").Message);

    [Fact]
    public void Else_without_if_is_an_error()
    {
        var error = ParseError("a\n%else\n");
        Assert.Equal("test.tmpl:2:1", error.Subject);
        Assert.Equal("« %else » sans « %if » ouvert", error.Message);
    }

    [Fact]
    public void A_second_else_is_an_error() =>
        Assert.Equal("« %else » après le « %else » du « %if » ouvert ligne 1", ParseError("%if True\n%else\n%else\n%end if\n").Message);

    [Fact]
    public void End_for_closing_an_if_says_which_end_was_expected()
    {
        var error = ParseError("%for %%x in %%l\n  %if %%x\n%end for\n");
        Assert.Equal("test.tmpl:3:1", error.Subject);
        Assert.Equal("« %end for » ne peut pas fermer le « %if » ouvert ligne 2 : « %end if » attendu", error.Message);
    }

    [Fact]
    public void End_for_closing_an_if_when_no_loop_is_open_is_one_error()
    {
        var error = ParseError("%if True\na\n%end for\nb\n");
        Assert.Equal("test.tmpl:3:1", error.Subject);
        Assert.Equal("« %end for » ne peut pas fermer le « %if » ouvert ligne 1 : « %end if » attendu", error.Message);
    }

    [Fact]
    public void End_without_an_open_block_is_an_error() =>
        Assert.Equal("« %end for » sans « %for » ouvert", ParseError("%end for\n").Message);

    [Fact]
    public void End_must_name_if_or_for() =>
        Assert.Equal("« %end if » ou « %end for » attendu", ParseError("%if True\n%end\n%end if\n").Message);

    [Fact]
    public void Text_after_a_directive_that_takes_no_argument_is_an_error()
    {
        var error = ParseError("%if True\n%else junk\n%end if\n");
        Assert.Equal("test.tmpl:2:7", error.Subject);
        Assert.Equal("« junk » inattendu après « %else »", error.Message);
    }

    [Fact]
    public void An_incomplete_expression_is_an_error()
    {
        var error = ParseError("%if 1 +\n%end if\n");
        Assert.Equal("test.tmpl:1:8", error.Subject);
        Assert.Equal("expression attendue", error.Message);
    }

    [Fact]
    public void An_unterminated_string_is_reported_where_it_starts()
    {
        var error = ParseError("%set %%x = 'abc\n");
        Assert.Equal("test.tmpl:1:12", error.Subject);
        Assert.Equal("chaîne non terminée : le guillemet ' n'est pas refermé sur la ligne", error.Message);
    }

    [Fact]
    public void A_missing_in_in_a_for_loop_is_an_error() =>
        Assert.Equal("« in » attendu, « %%l » trouvé", ParseError("%for %%x %%l\n%end for\n").Message);

    [Fact]
    public void A_set_needs_a_variable_name() =>
        Assert.Equal("nom de variable attendu (« %%x » ou « x »)", ParseError("%set 3 = 4\n").Message);

    [Fact]
    public void An_unclosed_index_is_an_error() =>
        Assert.Equal("« ] » attendu, « fin de ligne » trouvé", ParseError("%%l[0\n").Message);

    [Fact]
    public void Calling_an_unknown_function_is_an_error()
    {
        var error = ParseError("x=%%nope(1)");
        Assert.Equal("test.tmpl:1:3", error.Subject);
        Assert.Equal("fonction inconnue « nope »", error.Message);
    }

    [Fact]
    public void Calling_a_function_with_the_wrong_number_of_arguments_is_an_error() =>
        Assert.Equal("« len() » attend 1 argument(s), 2 donné(s)", ParseError("%%len(1, 2)").Message);

    [Fact]
    public void Keyword_arguments_are_not_supported() =>
        Assert.Equal("« ) » attendu, « = » trouvé", ParseError("%%custom_join(%%l, sep=',')").Message);

    [Fact]
    public void A_bare_name_that_no_set_or_for_defines_is_an_error()
    {
        var error = ParseError("%if conteneur1_name\n%end if\n");
        Assert.Equal("test.tmpl:1:5", error.Subject);
        Assert.Equal("nom inconnu « conteneur1_name » : écrivez « %%conteneur1_name » pour lire une variable de configuration", error.Message);
    }

    [Fact]
    public void A_bare_name_may_be_set_later_in_the_template_as_Cheetah_locals_are_template_wide() =>
        Assert.Equal("yes", Text("%for %%i in [1, 2]\n%if %%i == 2 and seen\nyes%slurp\n%end if\n%set seen = True\n%end for\n"));

    [Fact]
    public void An_unterminated_multi_line_comment_is_an_error()
    {
        var error = ParseError("a %* never closed\nb\n");
        Assert.Equal("test.tmpl:1:3", error.Subject);
        Assert.Equal("commentaire « %* » jamais fermé par « *% »", error.Message);
    }

    [Fact]
    public void A_directive_keyword_used_as_a_placeholder_is_an_error_that_shows_the_directive_meant()
    {
        var errors = ParseErrors("%%for %%x in %%l\n%%x\n  %%end for\n");
        Assert.Equal(
            [
                new Diagnostic("test.tmpl:1:1", "« %%for » n'est pas une directive : écrivez « %for %%x in %%l »"),
                new Diagnostic("test.tmpl:3:3", "« %%end » n'est pas une directive : écrivez « %end for »"),
            ],
            errors);
    }

    [Theory]
    [InlineData("%endif", "« %endif » n'existe pas : écrivez « %end if »")]
    [InlineData("%endfor", "« %endfor » n'existe pas : écrivez « %end for »")]
    [InlineData("%elseif x", "« %elseif » n'existe pas : écrivez « %elif »")]
    public void A_misspelled_directive_is_an_error_that_gives_the_right_spelling(string line, string message) =>
        Assert.Equal(message, ParseError(line + "\n").Message);

    [Fact]
    public void A_Cheetah_directive_Portique_does_not_run_is_an_error_not_silent_text() =>
        Assert.Equal("la directive Cheetah « %while » n'est pas prise en charge", ParseError("%while True\n").Message);

    [Theory]
    [InlineData("break")]
    [InlineData("continue")]
    public void Loop_control_outside_a_loop_is_an_error(string keyword) =>
        Assert.Equal($"« %{keyword} » hors d'une boucle « %for »", ParseError($"%if True\n%{keyword}\n%end if\n").Message);

    [Fact]
    public void Every_parse_error_is_reported_not_just_the_first()
    {
        var errors = ParseErrors("%if\n%%len()\n%else\n%else\n%end if\n%end for\n'%%x.'\n");
        Assert.Equal(["test.tmpl:1:4", "test.tmpl:2:1", "test.tmpl:4:1", "test.tmpl:6:1"], errors.Select(error => error.Subject));
    }

    [Fact]
    public void The_subject_names_the_file_given_to_parse()
    {
        var error = Assert.Throws<TemplateException>(() => CreoleTemplate.Parse("\n\n   %else\n", "nginx.conf"));
        Assert.Equal("nginx.conf:3:4", Assert.Single(error.Diagnostics).Subject);
        Assert.StartsWith("nginx.conf:3:4: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Blocks_nested_deeper_than_one_hundred_are_refused()
    {
        var template = string.Concat(Enumerable.Repeat("%if True\n", 101)) + string.Concat(Enumerable.Repeat("%end if\n", 101));
        var error = ParseError(template);
        Assert.Equal("test.tmpl:101:1", error.Subject);
        Assert.Equal("plus de 100 blocs imbriqués", error.Message);
    }

    [Fact]
    public void One_hundred_nested_blocks_are_fine()
    {
        var template = string.Concat(Enumerable.Repeat("%if True\n", 100)) + "deep\n" + string.Concat(Enumerable.Repeat("%end if\n", 100));
        Assert.Equal("deep\n", Text(template));
    }

    [Theory]
    [InlineData("(", "1", ")")]
    [InlineData("[", "1", "]")]
    [InlineData("not ", "1", "")]
    [InlineData("- ", "1", "")]
    [InlineData("1 + ", "1", "")]
    [InlineData("len(", "'x'", ")")]
    public void Expressions_nested_deeper_than_one_hundred_are_refused(string before, string middle, string after)
    {
        var expression = string.Concat(Enumerable.Repeat(before, 150)) + middle + string.Concat(Enumerable.Repeat(after, 150));
        Assert.Equal("expression trop imbriquée (plus de 100 niveaux)", ParseError($"%set %%x = {expression}\n").Message);
    }
}
