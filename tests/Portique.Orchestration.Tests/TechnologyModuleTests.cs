using System.Xml.Linq;
using Portique.Planning;
using Portique.TestSupport;

namespace Portique.Orchestration.Tests;

/// <summary>The list of technology modules is the one place a technology is registered; what the compiler cannot check is checked here.</summary>
public class TechnologyModuleTests
{
    [Fact]
    public void Every_technology_is_served_by_exactly_one_module()
    {
        foreach (var technology in Enum.GetValues<Technology>())
        {
            Assert.Single(TechnologyModules.All, m => m.Technologies.Contains(technology));
        }
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
                Assert.Equal(module.Technologies.Order(), driver.Technologies.Order());
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

        var registered = TechnologyModules.All.SelectMany(m => m.Technologies).Order().SelectMany(TechnologyNames.NamesOf).ToArray();

        Assert.Equal(registered, allowed);
    }

    [Fact]
    public void Every_technology_has_value_rules_for_its_url()
    {
        foreach (var technology in Enum.GetValues<Technology>())
        {
            Assert.Contains(TechnologyModules.For(technology).Rules(technology), r => r.Field == RuleField.Url && r.Presence == Presence.Required);
        }
    }
}
