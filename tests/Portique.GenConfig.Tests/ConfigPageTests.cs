using System.Net;
using System.Text.RegularExpressions;

namespace Portique.GenConfig.Tests;

public sealed class ConfigPageTests
{
    [Fact]
    public async Task One_tab_per_family_with_the_containers_as_many_as_their_count()
    {
        using var factory = new GenConfigFactory();
        factory.SetOneContainer();
        using var client = await factory.LoginAsync();
        var (html, _) = await GenConfigFactory.GetFormAsync(client, "/config");

        var tabs = Regex.Matches(html, "<li class=\"tab[^\"]*\" data-panel=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(["fam-services", "fam-frontal", "fam-Conteneur-1"], tabs);
        Assert.Contains("<legend id=\"legend-fam-Conteneur-1\">Conteneur-1</legend>", html, StringComparison.Ordinal);
        Assert.Contains("data-repeat=\"nombre_conteneur\" data-instance=\"1\"", html, StringComparison.Ordinal);
        Assert.Contains("data-repeat-count=\"nombre_conteneur\"", HtmlText.ById(html, "f-nombre_conteneur"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Separators_are_headings_help_is_a_hint_and_modes_are_classes()
    {
        using var factory = new GenConfigFactory();
        factory.SetOneContainer();
        using var client = await factory.LoginAsync();
        var (html, _) = await GenConfigFactory.GetFormAsync(client, "/config");

        Assert.Contains("<h3 class=\"separator m-normal\">Services publiés</h3>", html, StringComparison.Ordinal);
        Assert.Contains("<h3 class=\"separator m-normal\">Ports publiés</h3>", html, StringComparison.Ordinal);
        var count = HtmlText.Row(html, "nombre_conteneur");
        Assert.Contains("<p class=\"hint\" id=\"h-nombre_conteneur\">Chaque conteneur est décrit", HtmlText.Decode(count), StringComparison.Ordinal);
        Assert.Contains("aria-describedby=\"h-nombre_conteneur\"", count, StringComparison.Ordinal);
        Assert.Contains("class=\"field single m-expert", HtmlText.Row(html, "conteneur_ip_publication"), StringComparison.Ordinal);
        Assert.Contains("<body class=\"mode-normal\">", html, StringComparison.Ordinal);

        var (expert, _) = await GenConfigFactory.GetFormAsync(client, "/config?mode=expert");
        Assert.Contains("<body class=\"mode-expert\">", expert, StringComparison.Ordinal);
        Assert.Contains("<option value=\"expert\" selected>", expert, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_type_gets_its_field()
    {
        using var factory = new GenConfigFactory();
        factory.SetOneContainer();
        factory.Set(("conteneur1_environnement", ["A=1", "B=2"]));
        using var client = await factory.LoginAsync();
        var (html, _) = await GenConfigFactory.GetFormAsync(client, "/config");

        // number and port: numeric text boxes (the engine, not the browser, judges them)
        var count = HtmlText.ById(html, "f-nombre_conteneur")!;
        Assert.Equal("numeric", HtmlText.Attribute(count, "inputmode"));
        Assert.Equal("1", HtmlText.Attribute(count, "value"));
        // oui/non: a switch
        var keep = HtmlText.ById(html, "f-conteneur1_chemin_conserve")!;
        Assert.Equal("checkbox", HtmlText.Attribute(keep, "type"));
        Assert.Equal("switch", HtmlText.Attribute(keep, "role"));
        Assert.Null(HtmlText.Attribute(keep, "checked"));
        // a closed enum: a select with its choices
        var type = HtmlText.Row(html, "conteneur1_type");
        Assert.Contains("<select id=\"f-conteneur1_type\"", type, StringComparison.Ordinal);
        Assert.Contains("<option value=\"docker\" selected>docker</option>", type, StringComparison.Ordinal);
        Assert.Contains("<option value=\"docker+git\">docker+git</option>", HtmlText.Decode(type), StringComparison.Ordinal);
        // a multi: an editable list
        var environment = HtmlText.Row(html, "conteneur1_environnement");
        Assert.Equal(["A=1", "B=2"], Regex.Matches(environment, "<li class=\"item\"><input[^>]*value=\"([^\"]+)\"").Select(m => m.Groups[1].Value));
        Assert.Contains("data-add=\"items-conteneur1_environnement\"", environment, StringComparison.Ordinal);
        Assert.Contains("<template id=\"tpl-items-conteneur1_environnement\">", environment, StringComparison.Ordinal);
        // master/slaves: a table with a row per value, columns per variable
        var ports = HtmlText.Row(html, "conteneur1_port_in");
        Assert.Contains("<table class=\"rows\" id=\"rows-conteneur1_port_in\">", ports, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"col\">Port IP exposé dans le conteneur</th><th scope=\"col\">Port IP exposé par le module</th>", HtmlText.Decode(ports), StringComparison.Ordinal);
        Assert.Contains("value=\"80\" id=\"f-conteneur1_port_in\"", ports, StringComparison.Ordinal);
        Assert.Contains("name=\"conteneur1_port_out\" aria-label=\"Port IP exposé par le module, ligne 1\"", HtmlText.Decode(ports), StringComparison.Ordinal);
        Assert.Contains("value=\"8081\"", ports, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_control_has_a_label()
    {
        using var factory = new GenConfigFactory();
        factory.SetOneContainer();
        factory.Set(("nombre_conteneur", ["2"]), ("conteneur2_name", ["two"]), ("conteneur2_url", ["busybox"]), ("conteneur2_environnement", ["A=1"]));
        using var client = await factory.LoginAsync();
        var (html, _) = await GenConfigFactory.GetFormAsync(client, "/config?mode=expert");

        var controls = HtmlText.Controls(html).Where(c => HtmlText.Attribute(c, "type") != "hidden").ToArray();
        Assert.True(controls.Length > 20, $"only {controls.Length} controls");
        foreach (var control in controls)
        {
            var id = HtmlText.Attribute(control, "id");
            var labelled = HtmlText.Attribute(control, "aria-label") is { Length: > 0 }
                || HtmlText.Attribute(control, "aria-labelledby") is { Length: > 0 }
                || (id is not null && html.Contains($"<label for=\"{id}\">", StringComparison.Ordinal));
            Assert.True(labelled, "no label: " + control);
        }

        // Panels are fieldsets with a legend; list and table groups are labelled groups.
        Assert.Equal(Regex.Count(html, "<section class=\"panel"), Regex.Count(html, "<legend id="));
        Assert.Contains("role=\"group\" aria-labelledby=\"l-conteneur2_environnement\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stored_problems_show_at_once_next_to_their_fields()
    {
        using var factory = new GenConfigFactory();
        using var client = await factory.LoginAsync();
        var (html, _) = await GenConfigFactory.GetFormAsync(client, "/config");

        // A fresh root: conteneur1_name and conteneur1_url are mandatory and empty: to complete, not errors.
        Assert.Contains("id=\"incomplete-summary\" role=\"status\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"error-summary\"", html, StringComparison.Ordinal);
        Assert.Contains("class=\"field single m-normal has-error\"", HtmlText.Row(html, "conteneur1_name"), StringComparison.Ordinal);
        Assert.Contains("<ul class=\"errors\" id=\"e-conteneur1_name\">", HtmlText.Row(html, "conteneur1_name"), StringComparison.Ordinal);
        Assert.Contains("<ul class=\"errors\" id=\"e-conteneur1_url\">", HtmlText.Row(html, "conteneur1_url"), StringComparison.Ordinal);
        Assert.Contains("aria-invalid=\"true\"", HtmlText.ById(html, "f-conteneur1_name"), StringComparison.Ordinal);
        Assert.Contains("<a href=\"#row-conteneur1_name\" data-panel=\"fam-Conteneur-1\">", html, StringComparison.Ordinal);
        Assert.Matches("<li class=\"tab[^\"]*has-error\" data-panel=\"fam-Conteneur-1\"", html);
    }

    [Fact]
    public async Task Instances_above_the_count_are_rendered_hidden_and_new_ones_fetched()
    {
        using var factory = new GenConfigFactory();
        factory.SetOneContainer();
        factory.Set(("nombre_conteneur", ["2"]), ("conteneur2_name", ["two"]), ("conteneur2_url", ["busybox"]));
        factory.Set(("nombre_conteneur", ["1"]));
        using var client = await factory.LoginAsync();
        var (html, _) = await GenConfigFactory.GetFormAsync(client, "/config");

        // Conteneur-2 keeps its values in config.eol: its tab is there, hidden until the count reaches 2.
        Assert.Matches("<li class=\"tab[^\"]*\" data-panel=\"fam-Conteneur-2\" data-repeat=\"nombre_conteneur\" data-instance=\"2\" hidden>", html);
        Assert.Contains("value=\"two\"", HtmlText.Panel(html, "Conteneur-2"), StringComparison.Ordinal);

        using var response = await client.GetAsync(new Uri("/config/instances?repeat=nombre_conteneur&from=3&to=4", UriKind.Relative));
        var fragment = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("data-panel=\"fam-Conteneur-3\"", fragment, StringComparison.Ordinal);
        Assert.Contains("id=\"fam-Conteneur-4\"", fragment, StringComparison.Ordinal);
        Assert.Contains("name=\"conteneur4_name\"", fragment, StringComparison.Ordinal);
        Assert.DoesNotContain("fam-Conteneur-2", fragment, StringComparison.Ordinal);
        Assert.DoesNotContain(" hidden>", fragment, StringComparison.Ordinal);

        using var bad = await client.GetAsync(new Uri("/config/instances?repeat=nope&from=1&to=2", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task French_by_default_English_on_request_and_remembered()
    {
        using var factory = new GenConfigFactory();
        factory.SetOneContainer();
        using var client = await factory.LoginAsync();
        var (french, _) = await GenConfigFactory.GetFormAsync(client, "/config");
        Assert.Contains("<html lang=\"fr\">", french, StringComparison.Ordinal);
        Assert.Contains(">Enregistrer</button>", french, StringComparison.Ordinal);

        var (english, _) = await GenConfigFactory.GetFormAsync(client, "/config?lang=en");
        Assert.Contains("<html lang=\"en\">", english, StringComparison.Ordinal);
        Assert.Contains(">Save</button>", english, StringComparison.Ordinal);

        var (still, _) = await GenConfigFactory.GetFormAsync(client, "/status");
        Assert.Contains("<html lang=\"en\">", still, StringComparison.Ordinal);
        Assert.Contains("Service status", still, StringComparison.Ordinal);
    }
}
