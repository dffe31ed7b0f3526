using static Portique.Templating.Tests.Render;

namespace Portique.Templating.Tests;

/// <summary>
/// The Cheetah constructs and EOLE helpers real Creole templates use (issue 11), each with the output
/// python3-cheetah gives with EOLE's settings (checked by hand; the whole corpus is compared automatically
/// in Portique.Orchestration.Tests' EoleCompatibilityTests).
/// </summary>
[UseCulture("en")]
public sealed class EoleTemplateTests
{
    [Fact]
    public void An_empty_value_renders_as_nothing_never_none() =>
        Assert.Equal("AB \n", Text("A%%{n}B %%n\n", ("n", null)));

    [Fact]
    public void Str_of_none_is_still_none() =>
        Assert.Equal("None\n", Text("%%str(%%n)\n", ("n", null)));

    [Fact]
    public void A_trailing_colon_on_block_directives_is_python_syntax_and_accepted() =>
        Assert.Equal("1\na\nb\n", Text("%if %%a:\n1\n%else:\n2\n%end if\n%for %%i in %%l:\n%%i\n%end for\n", ("a", "x"), ("l", List("a", "b"))));

    [Fact]
    public void The_one_line_form_of_if_is_named_as_unsupported() =>
        Assert.Contains("one-line form", ParseError("%if %%a: yes\n").Message, StringComparison.Ordinal);

    [Fact]
    public void Text_after_end_if_or_end_for_on_its_line_is_dropped_as_cheetah_does() =>
        Assert.Equal("yes\nafter\na\n", Text("%if True\nyes\n%end if foo\nafter\n%for %%i in ['a']\n%%i\n%end for  text after\n"));

    [Fact]
    public void A_def_is_called_with_arguments_or_without_parentheses() =>
        Assert.Equal("<1>\n\n<x>\n\nbody\n\n", Text("%def f(%%x)\n<%%x>\n%end def\n%%f('1')\n%%f(%%a)\n%def g\nbody\n%end def\n%%g\n", ("a", "x")));

    [Fact]
    public void A_def_may_be_called_before_it_is_written() =>
        Assert.Equal("[ok]\n", Text("%%f()%slurp\n%def f()\n[ok]\n%end def\n"));

    [Fact]
    public void A_def_called_with_the_wrong_count_of_arguments_is_an_error() =>
        Assert.Contains("takes 1", RenderError("%def f(x)\n%end def\n%%f(1, 2)\n").Message, StringComparison.Ordinal);

    [Fact]
    public void Set_global_silent_and_echo_work_as_in_cheetah() =>
        Assert.Equal("G\nhiX\n['a', 'c']\n", Text("%set global %%g = 'G'\n%%g\n%echo 'hi'\nX\n%set %%l = ['a']\n%silent %%l.append('c')\n%%l\n"));

    [Fact]
    public void Dict_literals_setdefault_and_items_work_as_in_python() =>
        Assert.Equal("{'a': 1, 'b': [2]}\na=1\nb=[2]\n", Text("%set d = {'a': 1}\n%silent %%d.setdefault('b', []).append(2)\n%%d\n%for %%k, %%v in %%d.items()\n%%k=%%v\n%end for\n"));

    [Fact]
    public void Tuples_unpack_in_for_loops() =>
        Assert.Equal("1-2\n3-4\n(1, 'a')\n", Text("%for %%x, %%y in [(1,2),(3,4)]\n%%x-%%y\n%end for\n%%str((1, 'a'))\n"));

    [Fact]
    public void Getattr_reads_a_slave_and_gives_the_default_otherwise() =>
        Assert.Equal("10.0.0.1 none\n", Text("%for %%m in %%hosts\n%%getattr(%%m, 'ip') %%getattr(%%m, 'absent', 'none')\n%end for\n", ("hosts", List(Row("a", ("ip", "10.0.0.1"))))));

    [Fact]
    public void Eole_23_multi_items_have_index_and_value() =>
        Assert.Equal("0:a 1:b \n", Text("%for %%m in %%l\n%%m.index:%%m.value %slurp\n%end for\n\n", ("l", List(new CreoleRow("a", new Dictionary<string, object?>(), 0), new CreoleRow("b", new Dictionary<string, object?>(), 1)))));

    [Theory]
    [InlineData("%%upper('abc')", "ABC")]
    [InlineData("%%lower('ABC')", "abc")]
    [InlineData("%%purge_list(['a', 'b', 'a'])", "['a', 'b']")]
    [InlineData("%%calc_classe('255.255.252.0')", "22")]
    [InlineData("%%calc_network('10.1.2.3', '255.255.0.0')", "10.1.0.0")]
    [InlineData("%%calc_broadcast('10.1.2.3', '255.255.0.0')", "10.1.255.255")]
    [InlineData("%%is_file('/etc/passwd')", "False")]
    [InlineData("%%custom_join(['a', 'b'], ',')", "a,b")]
    [InlineData("%%is_empty([''])", "True")]
    [InlineData("%%getVar('absent', 'd')", "d")]
    [InlineData("%%hasVar('absent')", "False")]
    [InlineData("%%sorted(['b', 'a', 'c'])", "['a', 'b', 'c']")]
    [InlineData("%%list(reversed([1, 2]))", "[2, 1]")]
    [InlineData("%%zip(['a', 'b'], [1, 2])", "[('a', 1), ('b', 2)]")]
    [InlineData("%%sum([1, 2, 3])", "6")]
    [InlineData("%%abs(-3)", "3")]
    [InlineData("%%str('a.b.c'.count('.')) %%str('abc'.find('c')) %%str('12'.isdigit()) %%str('7'.zfill(3)) %%str('abc'.capitalize())", "2 2 True 007 Abc")]
    public void Eole_helpers_give_eoles_results(string template, string expected) =>
        Assert.Equal(expected, Text(template));

    [Fact]
    public void Augmented_set_and_unless_work_as_in_cheetah() =>
        Assert.Equal("3\nno\n", Text("%set %%i = 1\n%set %%i += 2\n%%i\n%unless %%i > 5\nno\n%end unless\n"));

    [Fact]
    public void An_include_without_a_templates_folder_is_an_error() =>
        Assert.Contains("%include", RenderError("%include 'autre'\n").Message, StringComparison.Ordinal);

    [Fact]
    public void A_directive_portique_does_not_run_is_named() =>
        Assert.Contains("%while", ParseError("%while True\n").Message, StringComparison.Ordinal);
}

/// <summary>
/// <c>%include</c> as Cheetah renders it: the included template is its own template instance, with the same values
/// and <c>%set global</c> variables, and its own locals (outputs as python3-cheetah gives them).
/// </summary>
[UseCulture("en")]
public sealed class EoleIncludeTests
{
    private sealed class FolderScope(IReadOnlyDictionary<string, string> templates, params (string Name, object? Value)[] variables) : ITemplateScope
    {
        private readonly DictionaryTemplateScope _values = Scope(variables);

        public bool TryGetVariable(string name, out object? value) => _values.TryGetVariable(name, out value);

        public IncludeResult TryReadInclude(string name, out string text) =>
            templates.TryGetValue(name, out text!) ? IncludeResult.Found : IncludeResult.Missing;
    }

    private static string Include(string template, string included, params (string Name, object? Value)[] variables) =>
        CreoleTemplate.Parse(template, "main").Render(new FolderScope(new Dictionary<string, string> { ["inc"] = included }, variables));

    [Fact]
    public void An_included_templates_locals_do_not_leak_into_the_including_one() =>
        Assert.Equal("in:inclus\nafter:proxy\n", Include("%set %%titre = 'proxy'\n%include 'inc'\nafter:%%titre\n", "%set %%titre = 'inclus'\nin:%%titre\n"));

    [Fact]
    public void An_included_template_does_not_see_the_including_ones_locals_but_the_values() =>
        Assert.Equal("value:v\n", Include("%set %%nom = 'local'\n%include 'inc'\n", "value:%%nom\n", ("nom", "v")));

    [Fact]
    public void Set_global_variables_are_shared_both_ways() =>
        Assert.Equal("in:shared\nback:from-inc\n", Include(
            "%set global %%g = 'shared'\n%include 'inc'\nback:%%h\n",
            "in:%%g\n%set global %%h = 'from-inc'\n"));

    [Fact]
    public void A_loop_variable_of_the_including_template_is_not_seen_by_the_included_one() =>
        Assert.Equal("i:value\ni:value\n", Include("%for %%i in [1, 2]\n%include 'inc'\n%end for\n", "i:%%i\n", ("i", "value")));
}

/// <summary>
/// A <c>%def</c> as Cheetah compiles it, a method of its own: its locals are its parameters and its own <c>%set</c>
/// and <c>%for</c> variables; the caller's locals are not seen, its own do not leak back, <c>%set global</c> ones are
/// shared (outputs as python3-cheetah 3.3 gives them with EOLE's settings).
/// </summary>
[UseCulture("en")]
public sealed class EoleDefLocalsTests
{
    private static string Text(string template, params (string Name, object? Value)[] variables) =>
        CreoleTemplate.Parse(template, "t").Render(Scope(variables));

    [Fact]
    public void A_def_does_not_see_the_callers_locals_but_the_values() =>
        Assert.Equal("value:v\n\n", Text("%set %%nom = 'local'\n%def f()\nvalue:%%nom\n%end def\n%%f()\n", ("nom", "v")));

    [Fact]
    public void A_set_in_a_def_does_not_leak_into_the_caller() =>
        Assert.Equal("in:def\n\nafter:proxy\n", Text("%set %%titre = 'proxy'\n%def f()\n%set %%titre = 'def'\nin:%%titre\n%end def\n%%f()\nafter:%%titre\n"));

    [Fact]
    public void A_set_global_in_a_def_is_seen_by_the_caller() =>
        Assert.Equal("g:from-def\n", Text("%def f(%%x)\n%set global %%g = %%x\n%end def\n%silent %%f('from-def')\ng:%%g\n"));

    [Fact]
    public void A_def_called_in_a_loop_does_not_see_the_loop_variable() =>
        Assert.Equal("i:value\n\ni:value\n\n", Text("%for %%i in [1, 2]\n%def f()\ni:%%i\n%end def\n%%f()\n%end for\n", ("i", "value")));

    [Fact]
    public void A_loop_variable_of_a_def_does_not_leak_into_the_caller() =>
        Assert.Equal("j:1\n\nval\n", Text("%def f(%%x)\n%for %%j in [%%x]\nj:%%j\n%end for\n%end def\n%%f(1)\n%%j\n", ("j", "val")));
}
