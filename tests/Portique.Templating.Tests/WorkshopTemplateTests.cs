using Portique.Core;
using static Portique.Templating.Tests.Render;

namespace Portique.Templating.Tests;

/// <summary>The two templates of the EOLE workshop, copied from the reference material.</summary>
[UseCulture("fr")]
public sealed class WorkshopTemplateTests
{
    private static string Workshop(string fileName) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Workshop", fileName));

    [Theory]
    [InlineData(2L)]
    [InlineData("2")]
    public void The_global_workshop_template_renders_the_number_of_containers(object value) =>
        Assert.Equal("NOMBRE_CONTENEURS='2'\n", Text(Workshop("conteneur-vars.conf"), ("nombre_conteneur", value)));

    [Fact]
    public void The_per_container_workshop_template_is_rejected_where_it_writes_set_as_a_placeholder()
    {
        var error = Assert.Throws<TemplateException>(() => CreoleTemplate.Parse(Workshop("conteneur1-vars.conf"), "conteneur1-vars.conf"));

        Assert.Equal(
            [
                new Diagnostic("conteneur1-vars.conf:8:1", "« %%set » n'est pas une directive : écrivez « %set %%x = 0 »"),
                new Diagnostic("conteneur1-vars.conf:10:1", "« %%set » n'est pas une directive : écrivez « %set %%x = x+1 »"),
                new Diagnostic("conteneur1-vars.conf:15:1", "« %%set » n'est pas une directive : écrivez « %set %%x = 0 »"),
                new Diagnostic("conteneur1-vars.conf:17:1", "« %%set » n'est pas une directive : écrivez « %set %%x = x+1 »"),
            ],
            error.Diagnostics);
        Assert.StartsWith("conteneur1-vars.conf:8:1: « %%set » n'est pas une directive : écrivez « %set %%x = 0 »", error.Message, StringComparison.Ordinal);
    }
}
