using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Portique.Core;
using Xunit.Sdk;
using static Portique.Templating.Tests.Render;

namespace Portique.Templating.Tests;

/// <summary>Whatever the input, parsing and rendering fail only with a <see cref="TemplateException"/>.</summary>
public sealed class RobustnessTests
{
    /// <summary>Pieces of Creole syntax, so random texts often come close to valid templates.</summary>
    private static readonly string[] Fragments =
    [
        "%", "%%", "%%x", "%%{", "{", "}", "%if ", "%elif ", "%else", "%else if ", "%end if", "%end for", "%end",
        "%for %%i in ", "%for %%i, %%x in ", "%set %%x = ", "%set x = ", "%slurp", "%break", "%continue", "%#", "%*", "*%",
        "\\", "\\\\", "\n", "\r\n", " ", "\t", "(", ")", "[", "]", ",", ".", ":", "'", "\"", "+", "-", "*", "/", "//", "==",
        "<", ">=", "not ", " and ", " or ", " in ", " is ", "x", "i", "l", "0", "1", "-1", "3.5", "99999999999999999999",
        "True", "None", "range(", "len(", "enumerate(", "min(", "%%name.upper()", "%%l[", "%%ports", "%%p",
        ".conteneur1_port_out", "is_defined(", "getVar(", "is_empty(", "custom_join(", "int(", "str(", "'a'", "u'x'",
        "\\x4", "é", ".split(", ".replace(", ".join(", "[1:]", "%%set", "%%for", "%include", "%endif", "%%%",
    ];

    private static readonly ITemplateScope Variables = Scope(
        ("x", "texte"),
        ("name", "web"),
        ("n", 3L),
        ("flag", true),
        ("none", null),
        ("l", List("a", "b", 1L, null)),
        ("ports", List(Row("80", ("conteneur1_port_out", "8080")), Row("443", ("conteneur1_port_out", "8443")))),
        ("p", Row("80", ("conteneur1_port_out", "8080"))));

    private static readonly string[] ValidTemplates =
    [
        .. GoldenFileTests.TemplateNames().Select(name => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", name + ".tmpl"))),
        "%set %%t = 0\n%for %%i, %%v in enumerate(%%l)\n%if %%v is None or %%i > 2\n%continue\n%elif %%v == 'b'\n%break\n%end if\n%set %%t = %%t + 1\n%end for\nt=%%t%\n",
        "%%{x}_IN=%%x[1:-1].upper() %%n // 2 %%{n * 2} \\%%x %%len(%%l) %# c\n%* m\n*%\n%%getVar('x', 'd').replace('e', '3')\n",
    ];

    [Property(MaxTest = 3000)]
    public Property Template_like_text_only_ever_fails_with_a_TemplateException() =>
        Prop.ForAll(Gen.Elements(Fragments).ListOf().Select(string.Concat).ToArbitrary(), ParseAndRender);

    [Property(MaxTest = 1000)]
    public void Arbitrary_text_only_ever_fails_with_a_TemplateException(string? text) => ParseAndRender(text ?? string.Empty);

    [Fact]
    public void Random_mutations_of_valid_templates_only_ever_fail_with_a_TemplateException()
    {
        var random = new Random(20251125);
        for (var i = 0; i < 5000; i++)
        {
            var text = ValidTemplates[random.Next(ValidTemplates.Length)];
            for (var mutations = random.Next(1, 5); mutations > 0; mutations--)
            {
                text = Mutate(text, random);
            }

            ParseAndRender(text);
        }
    }

    [Theory]
    [InlineData("%if True\n", "%end if\n")]
    [InlineData("%for %%i in [1]\n", "%end for\n")]
    [InlineData("%%str(", ")")]
    [InlineData("%set %%x = (", ")")]
    [InlineData("%set %%x = [", "]")]
    [InlineData("%set %%x = not ", "")]
    [InlineData("%set %%x = -", "1")]
    [InlineData("%set %%x = 1 + ", "1")]
    [InlineData("%%l[", "0]")]
    public void Absurd_nesting_is_refused_without_exhausting_the_stack(string opening, string closing)
    {
        var template = string.Concat(Enumerable.Repeat(opening, 20_000)) + string.Concat(Enumerable.Repeat(closing, 20_000));
        Assert.NotEmpty(Assert.Throws<TemplateException>(() => CreoleTemplate.Parse(template, "deep")).Diagnostics);
    }

    private static void ParseAndRender(string text)
    {
        try
        {
            CreoleTemplate.Parse(text, "random.tmpl").Render(Variables);
        }
        catch (TemplateException error)
        {
            Assert.All(error.Diagnostics, diagnostic => Assert.StartsWith("random.tmpl:", diagnostic.Subject, StringComparison.Ordinal));
        }
        catch (Exception error)
        {
            throw new XunitException($"{error.GetType().Name} for template:\n{text}\n{error}");
        }
    }

    private static string Mutate(string text, Random random)
    {
        var at = random.Next(text.Length + 1);
        switch (random.Next(5))
        {
            case 0:
                return text.Remove(at, Math.Min(random.Next(1, 8), text.Length - at));
            case 1:
                return text.Insert(at, Fragments[random.Next(Fragments.Length)]);
            case 2:
                var length = Math.Min(random.Next(1, 40), text.Length - at);
                return text.Insert(random.Next(text.Length + 1), text.Substring(at, length));
            case 3:
                var lines = text.Split('\n');
                var (first, second) = (random.Next(lines.Length), random.Next(lines.Length));
                (lines[first], lines[second]) = (lines[second], lines[first]);
                return string.Join('\n', lines);
            default:
                return at < text.Length ? text.Remove(at, 1).Insert(at, ((char)random.Next(32, 127)).ToString()) : text;
        }
    }
}
