using static Portique.Templating.Tests.Render;

namespace Portique.Templating.Tests;

[UseCulture("fr")]
public sealed class RenderErrorTests
{
    [Fact]
    public void An_undefined_variable_is_reported_where_it_is_read()
    {
        var error = RenderError("PORT=80\n  PORT_OUT=%%conteneur1_port\n");
        Assert.Equal("test.tmpl:2:12", error.Subject);
        Assert.Equal("variable inconnue conteneur1_port", error.Message);
    }

    [Fact]
    public void A_branch_that_is_not_taken_may_read_undefined_variables() =>
        Assert.Equal(string.Empty, Text("%if is_defined('x')\n%%x\n%end if\n"));

    [Fact]
    public void An_index_out_of_range_is_an_error()
    {
        var error = RenderError("%%l[5]", ("l", List("a")));
        Assert.Equal("test.tmpl:1:4", error.Subject);
        Assert.Equal("index 5 hors limites (longueur 1)", error.Message);
    }

    [Fact]
    public void Mixing_types_in_arithmetic_is_an_error_at_the_operator()
    {
        var error = RenderError("%set %%x = 'a' + 1\n");
        Assert.Equal("test.tmpl:1:16", error.Subject);
        Assert.Equal("opération « + » impossible entre str et int", error.Message);
    }

    [Fact]
    public void Ordering_values_of_different_types_is_an_error() =>
        Assert.Equal("opération « < » impossible entre str et int", RenderError("%if %%port < 1024\n%end if\n", ("port", "80")).Message);

    [Fact]
    public void Dividing_by_zero_is_an_error() =>
        Assert.Equal("division par zéro", RenderError("%set %%y = 1 // %%x\n", ("x", 0L)).Message);

    [Fact]
    public void Integer_overflow_is_an_error() =>
        Assert.Equal("dépassement de capacité : nombre trop grand", RenderError("%set %%x = 9223372036854775807 + 1\n").Message);

    [Fact]
    public void A_bare_local_read_before_it_is_set_is_an_error()
    {
        var error = RenderError("%if x\n%end if\n%set x = 1\n");
        Assert.Equal("test.tmpl:1:5", error.Subject);
        Assert.Equal("variable locale « x » lue avant d'être définie par « %set » ou « %for »", error.Message);
    }

    [Fact]
    public void Looping_over_a_number_is_an_error() =>
        Assert.Equal("une valeur de type int ne peut pas être parcourue", RenderError("%for %%x in %%n\n%end for\n", ("n", 3L)).Message);

    [Fact]
    public void Unpacking_the_wrong_number_of_values_is_an_error() =>
        Assert.Equal("2 valeurs attendues pour les variables de la boucle, 3 trouvée(s)", RenderError("%for %%a, %%b in [[1, 2, 3]]\n%end for\n").Message);

    [Fact]
    public void Calling_an_unknown_method_is_an_error() =>
        Assert.Equal("une valeur de type str n'a pas de méthode « nope »", RenderError("%%x.nope()", ("x", "v")).Message);

    [Fact]
    public void Reading_an_unknown_attribute_is_an_error() =>
        Assert.Equal("une valeur de type int n'a pas d'attribut « port »", RenderError("%%x.port", ("x", 1L)).Message);

    [Fact]
    public void A_method_with_the_wrong_number_of_arguments_is_an_error() =>
        Assert.Equal("« replace() » attend de 2 à 3 arguments, 1 donné(s)", RenderError("%%x.replace('a')", ("x", "v")).Message);

    [Fact]
    public void Converting_text_that_is_not_a_number_with_int_is_an_error() =>
        Assert.Equal("int() : 'abc' n'est pas un entier", RenderError("%set %%y = int(%%x)\n", ("x", "abc")).Message);

    [Fact]
    public void Runaway_loops_are_stopped() =>
        Assert.Equal("plus de 1000000 tours de boucle", RenderError("%for %%a in range(1000)\n%for %%b in range(1001)\n%end for\n%end for\n").Message);

    [Fact]
    public void Gigantic_values_are_refused() =>
        Assert.Equal("valeur trop grande (plus de 1000000 éléments)", RenderError("%set %%x = 'ab' * 600000\n").Message);

    [Fact]
    public void Gigantic_output_is_refused() =>
        Assert.Equal("résultat trop grand (plus de 16777216 caractères)", RenderError("%set %%x = 'a' * 1000000\n%for %%i in range(20)\n%%x\n%end for\n").Message);

    [Fact]
    public void Values_nested_too_deeply_to_print_are_refused() =>
        Assert.Equal("valeur trop imbriquée (plus de 100 listes)", RenderError("%set %%x = []\n%for %%i in range(150)\n%set %%x = [%%x]\n%end for\n%%x").Message);
}
