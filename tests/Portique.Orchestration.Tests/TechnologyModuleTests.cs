using System.Xml.Linq;
using Portique.Planning;
using Portique.TestSupport;

namespace Portique.Orchestration.Tests;

/// <summary>The list of technology modules is the one place a technology is registered; what the compiler cannot check is checked here.</summary>
public class TechnologyModuleTests
{
    [Fact]
    public void No_technology_name_or_alias_is_declared_by_two_modules()
    {
        var names = TechnologyModules.Technologies.SelectMany(t => t.Names).ToArray();

        Assert.Equal(names.Distinct(StringComparer.Ordinal), names);
        Assert.All(TechnologyModules.Technologies, t => Assert.Same(TechnologyModules.For(t), TechnologyModules.All.Single(m => m.Technologies.Contains(t))));
    }

    [Fact]
    public void Every_module_creates_a_driver_serving_exactly_its_technologies()
    {
        using var temp = new TempRoot("portique-modules-");
        foreach (var module in TechnologyModules.All)
        {
            var driver = module.CreateDriver(new DriverContext(temp.Root, ReadOnly: true));
            try
            {
                Assert.Equal(module.Technologies.Select(t => t.Name).Order(), driver.Technologies.Select(t => t.Name).Order());
            }
            finally
            {
                (driver as IDisposable)?.Dispose();
            }
        }
    }

    [Fact]
    public void The_dictionary_allows_exactly_the_names_and_aliases_of_the_registered_technologies()
    {
        var dictionary = XDocument.Load(Path.Join(AppContext.BaseDirectory, "share", "dicos", "25_conteneur.xml"));
        var check = dictionary.Descendants("check")
            .Single(c => (string?)c.Attribute("name") == "valid_enum" && (string?)c.Attribute("target") == "conteneur{N}_type");
        var allowed = check.Element("param")!.Value.Trim('[', ']', ' ').Split(',').Select(v => v.Trim().Trim('\'')).ToArray();

        var registered = TechnologyModules.Technologies.SelectMany(t => t.Names).ToArray();

        Assert.Equal(registered, allowed);
    }

    [Fact]
    public void Every_technology_has_value_rules_for_its_url()
    {
        foreach (var technology in TechnologyModules.Technologies)
        {
            Assert.Contains(TechnologyModules.For(technology).Rules(technology), r => r.Field == RuleField.Url && r.Presence == Presence.Required);
        }
    }
}
