using Portique.Core;

namespace Portique.Templating.Tests;

[UseCulture("fr")]
public sealed class LoadTests
{
    [Fact]
    public void Load_parses_a_file_and_names_it_by_its_path()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Workshop", "conteneur-vars.conf");
        var template = CreoleTemplate.Load(path);
        Assert.Equal(path, template.FileName);
        Assert.Equal("nombre_conteneur", Assert.Single(template.ReferencedVariables).Name);
    }

    [Fact]
    public void Loading_a_missing_file_is_a_template_error_naming_the_path()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "no-such-template.conf");
        var error = Assert.Single(Assert.Throws<TemplateException>(() => CreoleTemplate.Load(path)).Diagnostics);
        Assert.Equal(path, error.Subject);
        Assert.StartsWith("lecture impossible : ", error.Message, StringComparison.Ordinal);
    }
}
