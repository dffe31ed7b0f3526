using System.Net;
using System.Text.Json.Nodes;

namespace Portique.GenConfig.Tests;

public sealed class SaveTests
{
    private static async Task<(FormPost Form, string Html)> FormAsync(HttpClient client, string path = "/config")
    {
        var (html, _) = await GenConfigFactory.GetFormAsync(client, path);
        return (FormPost.FromPage(html), html);
    }

    private static async Task<(HttpResponseMessage Response, string Html)> PostAsync(HttpClient client, FormPost form, string action)
    {
        form.Set("__action", action);
        var response = await client.PostAsync(new Uri("/config", UriKind.Relative), form.Content());
        return (response, await response.Content.ReadAsStringAsync());
    }

    private static JsonObject ConfigEol(GenConfigFactory factory) => JsonNode.Parse(File.ReadAllText(factory.ConfigEol))!.AsObject();

    [Fact]
    public async Task Saving_writes_config_eol_with_owner_gen_config_and_only_what_changed()
    {
        using var factory = new GenConfigFactory();
        factory.SetOneContainer();
        using var client = await factory.LoginAsync();
        var (form, _) = await FormAsync(client);
        form.Set("conteneur1_tag", "1.27").Set("frontal_nom_serveur", "portique.example.org");

        var (response, _) = await PostAsync(client, form, "save");

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.StartsWith("/config?saved=2", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var eol = ConfigEol(factory);
        Assert.Equal("gen_config", (string?)eol["conteneur1_tag"]!["owner"]);
        Assert.Equal("1.27", (string?)eol["conteneur1_tag"]!["val"]);
        Assert.Equal("gen_config", (string?)eol["frontal_nom_serveur"]!["owner"]);
        // What the page did not change keeps its owner; defaults stay defaults (not written).
        Assert.Equal("portique", (string?)eol["conteneur1_name"]!["owner"]);
        Assert.False(eol.ContainsKey("frontal_port_http"));
        Assert.False(eol.ContainsKey("conteneur1_type"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(factory.ConfigEol));

        var (html, _) = await GenConfigFactory.GetFormAsync(client, response.Headers.Location!.OriginalString);
        Assert.Contains("Configuration enregistrée (2 variables modifiées).", HtmlText.Decode(html), StringComparison.Ordinal);
        Assert.Contains("href=\"/plan\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_port_is_shown_next_to_its_field_and_nothing_is_saved_until_fixed()
    {
        using var factory = new GenConfigFactory();
        factory.SetOneContainer();
        var before = File.ReadAllBytes(factory.ConfigEol);
        using var client = await factory.LoginAsync();
        var (form, _) = await FormAsync(client);
        form.Set("nombre_conteneur", "2")
            .Set("conteneur2_name", "chat")
            .Set("conteneur2_url", "rocketchat/rocket.chat")
            .Set("conteneur2_port_in", "3000")
            .Set("conteneur2_port_out", "70000")
            .Set("__tab", "fam-Conteneur-2");

        var (refused, html) = await PostAsync(client, form, "save");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal(before, File.ReadAllBytes(factory.ConfigEol));
        var row = HtmlText.Decode(HtmlText.Row(html, "conteneur2_port_in"));
        Assert.Contains("<ul class=\"errors\" id=\"e-conteneur2_port_in\"><li><strong>Port IP exposé par le module</strong> : ", row, StringComparison.Ordinal);
        Assert.Contains("70000", row, StringComparison.Ordinal);
        Assert.Contains("id=\"error-summary\"", html, StringComparison.Ordinal);
        // The page shows what was typed, on the tab the administrator was on.
        Assert.Contains("value=\"chat\"", HtmlText.Panel(html, "Conteneur-2"), StringComparison.Ordinal);
        Assert.Matches("<li class=\"tab[^\"]* active has-error\" data-panel=\"fam-Conteneur-2\"", html);

        var fixedForm = FormPost.FromPage(html).Set("conteneur2_port_out", "8082");
        var (saved, _) = await PostAsync(client, fixedForm, "save");
        Assert.Equal(HttpStatusCode.SeeOther, saved.StatusCode);
        var eol = ConfigEol(factory);
        Assert.Equal(2, (int)eol["nombre_conteneur"]!["val"]!);
        Assert.Equal("chat", (string?)eol["conteneur2_name"]!["val"]);
        Assert.Equal(new JsonArray("8082"), eol["conteneur2_port_out"]!["val"], JsonNode.DeepEquals);
        Assert.Equal(new JsonArray("3000"), eol["conteneur2_port_in"]!["val"], JsonNode.DeepEquals);
    }

    [Fact]
    public async Task Check_reports_every_problem_at_once_and_saves_nothing()
    {
        using var factory = new GenConfigFactory();
        factory.SetOneContainer();
        var before = File.ReadAllBytes(factory.ConfigEol);
        using var client = await factory.LoginAsync();
        var (form, _) = await FormAsync(client);
        form.Set("frontal_port_http", "http").Set("conteneur1_name", "Not A Name").Set("conteneur1_port_out", "0");

        var (response, html) = await PostAsync(client, form, "check");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(before, File.ReadAllBytes(factory.ConfigEol));
        Assert.Contains("id=\"e-frontal_port_http\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"e-conteneur1_name\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"e-conteneur1_port_in\"", html, StringComparison.Ordinal);
        Assert.Contains("3 erreurs à corriger", HtmlText.Decode(html), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_draft_with_values_still_missing_is_saved_and_they_are_shown_apart_from_errors()
    {
        using var factory = new GenConfigFactory();
        factory.SetOneContainer();
        using var client = await factory.LoginAsync();
        var (form, _) = await FormAsync(client);
        form.Set("nombre_conteneur", "2").Set("conteneur2_url", "team/api");

        var (response, _) = await PostAsync(client, form, "save");

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal(2, (int)ConfigEol(factory)["nombre_conteneur"]!["val"]!);
        var (html, _) = await GenConfigFactory.GetFormAsync(client, response.Headers.Location!.OriginalString);
        var text = HtmlText.Decode(html);
        Assert.Contains("id=\"incomplete-summary\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"error-summary\"", html, StringComparison.Ordinal);
        Assert.Contains("À compléter avant d'appliquer (1)", text, StringComparison.Ordinal);
        Assert.Contains("<ul class=\"errors\" id=\"e-conteneur2_name\"><li>à compléter : ", HtmlText.Decode(HtmlText.Row(html, "conteneur2_name")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_save_from_a_page_older_than_config_eol_is_refused_and_asks_to_reload()
    {
        using var factory = new GenConfigFactory();
        factory.SetOneContainer();
        using var client = await factory.LoginAsync();
        var (form, _) = await FormAsync(client);
        factory.Set(("conteneur1_tag", ["from-the-cli"]));
        var before = File.ReadAllBytes(factory.ConfigEol);
        form.Set("conteneur1_repository", "registry.example");

        var (response, html) = await PostAsync(client, form, "save");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("rechargez-la", HtmlText.Decode(html), StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(factory.ConfigEol));
    }

    [Fact]
    public async Task A_bad_port_written_by_hand_shows_the_page_with_the_error_next_to_the_field()
    {
        using var factory = new GenConfigFactory();
        factory.SetOneContainer();
        var eol = ConfigEol(factory);
        eol["conteneur1_port_out"] = new JsonObject { ["owner"] = "x", ["val"] = new JsonArray("８０") };
        File.WriteAllText(factory.ConfigEol, eol.ToJsonString());
        using var client = await factory.LoginAsync();

        var response = await client.GetAsync(new Uri("/config", UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("id=\"e-conteneur1_port_in\"", html, StringComparison.Ordinal);
        Assert.Contains("８０", HtmlText.Decode(HtmlText.Row(html, "conteneur1_port_in")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_without_problem_says_so_and_saves_nothing()
    {
        using var factory = new GenConfigFactory();
        factory.SetOneContainer();
        var before = File.ReadAllBytes(factory.ConfigEol);
        using var client = await factory.LoginAsync();
        var (form, _) = await FormAsync(client);
        form.Set("conteneur1_tag", "2");

        var (response, html) = await PostAsync(client, form, "check");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Aucune erreur : la configuration décrit 1 conteneur.", HtmlText.Decode(html), StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(factory.ConfigEol));
        Assert.Contains("value=\"2\" id=\"f-conteneur1_tag\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Saving_an_unchanged_form_writes_nothing()
    {
        using var factory = new GenConfigFactory();
        factory.SetOneContainer();
        var before = File.GetLastWriteTimeUtc(factory.ConfigEol);
        using var client = await factory.LoginAsync();
        var (form, _) = await FormAsync(client, "/config?mode=expert");

        var (response, _) = await PostAsync(client, form, "save");

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.StartsWith("/config?saved=0", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(before, File.GetLastWriteTimeUtc(factory.ConfigEol));
    }

    [Fact]
    public async Task Rows_lists_and_switches_are_saved_as_posted()
    {
        using var factory = new GenConfigFactory();
        factory.SetOneContainer();
        using var client = await factory.LoginAsync();
        var (form, _) = await FormAsync(client, "/config?mode=expert");
        form.Set("conteneur1_port_in", "80", "", "443")
            .Set("conteneur1_port_out", "8081", "", "8443")
            .Set("conteneur1_mountpoint_in", "/data")
            .Set("conteneur1_mountpoint_out", "/srv/web")
            .Set("conteneur1_environnement", "A=1", "", "B=2")
            .Set("conteneur1_chemin_conserve", "oui");

        var (response, html) = await PostAsync(client, form, "save");

        Assert.True(response.StatusCode == HttpStatusCode.SeeOther, html);
        var eol = ConfigEol(factory);
        Assert.Equal(new JsonArray("80", "443"), eol["conteneur1_port_in"]!["val"], JsonNode.DeepEquals);
        Assert.Equal(new JsonArray("8081", "8443"), eol["conteneur1_port_out"]!["val"], JsonNode.DeepEquals);
        Assert.Equal(new JsonArray("A=1", "B=2"), eol["conteneur1_environnement"]!["val"], JsonNode.DeepEquals);
        Assert.Equal("oui", (string?)eol["conteneur1_chemin_conserve"]!["val"]);

        // An unchecked switch posts nothing but its marker: "non".
        var (again, _) = await FormAsync(client, "/config?mode=expert");
        Assert.Equal(["oui"], again.Values("conteneur1_chemin_conserve"));
        var (second, _) = await PostAsync(client, again.Without("conteneur1_chemin_conserve").Set("conteneur1_port_in").Set("conteneur1_port_out"), "save");
        Assert.Equal(HttpStatusCode.SeeOther, second.StatusCode);
        eol = ConfigEol(factory);
        Assert.Equal("non", (string?)eol["conteneur1_chemin_conserve"]!["val"]);
        Assert.Equal(new JsonArray(), eol["conteneur1_port_in"]!["val"], JsonNode.DeepEquals);
    }

    [Fact]
    public async Task Posting_without_the_anti_forgery_token_is_refused_and_saves_nothing()
    {
        using var factory = new GenConfigFactory();
        factory.SetOneContainer();
        var before = File.ReadAllBytes(factory.ConfigEol);
        using var client = await factory.LoginAsync();
        var (form, _) = await FormAsync(client);
        form.Without("__RequestVerificationToken").Set("conteneur1_tag", "evil");

        var (response, html) = await PostAsync(client, form, "save");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Formulaire refusé", html, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(factory.ConfigEol));

        var (forged, _) = await PostAsync(client, form.Set("__RequestVerificationToken", "CfDJ8forged"), "save");
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(before, File.ReadAllBytes(factory.ConfigEol));
    }

    [Fact]
    public async Task A_password_is_never_rendered_and_an_empty_field_keeps_it()
    {
        using var factory = new GenConfigFactory(prepareRoot: WriteDictionaryWithPassword);
        factory.Set(("secret_db", ["S3cret-Value!"]));
        using var client = await factory.LoginAsync();
        var (html, _) = await GenConfigFactory.GetFormAsync(client, "/config");

        Assert.DoesNotContain("S3cret-Value!", html, StringComparison.Ordinal);
        var input = HtmlText.ById(html, "f-secret_db")!;
        Assert.Equal("password", HtmlText.Attribute(input, "type"));
        Assert.Equal("", HtmlText.Attribute(input, "value"));
        Assert.Contains("Laisser vide pour conserver", HtmlText.Row(html, "secret_db"), StringComparison.Ordinal);

        var (kept, _) = await PostAsync(client, FormPost.FromPage(html).Set("ville", "Dijon"), "save");
        Assert.Equal(HttpStatusCode.SeeOther, kept.StatusCode);
        Assert.Equal("S3cret-Value!", (string?)ConfigEol(factory)["secret_db"]!["val"]);

        // A refused save does not send the typed secret back either (the page is read again: config.eol changed).
        (html, _) = await GenConfigFactory.GetFormAsync(client, "/config");
        var (refused, refusedHtml) = await PostAsync(client, FormPost.FromPage(html).Set("secret_db", "N3w-Secret\u0007"), "save");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.DoesNotContain("N3w-Secret", refusedHtml, StringComparison.Ordinal);

        var (changed, _) = await PostAsync(client, FormPost.FromPage(html).Set("secret_db", "N3w-Secret"), "save");
        Assert.Equal(HttpStatusCode.SeeOther, changed.StatusCode);
        Assert.Equal("N3w-Secret", (string?)ConfigEol(factory)["secret_db"]!["val"]);
    }

    [Fact]
    public async Task Hidden_variables_are_not_shown_but_disabled_ones_keep_their_values()
    {
        using var factory = new GenConfigFactory(prepareRoot: WriteDictionaryWithPassword);
        using var client = await factory.LoginAsync();
        var (html, _) = await GenConfigFactory.GetFormAsync(client, "/config?mode=expert");
        Assert.DoesNotContain("name=\"cachee\"", html, StringComparison.Ordinal);
        Assert.Contains("name=\"ville\"", html, StringComparison.Ordinal);
        Assert.Contains("list=\"dl-ville\"", html, StringComparison.Ordinal);
        Assert.Contains("<datalist id=\"dl-ville\"><option value=\"Paris\"><option value=\"Dijon\"></datalist>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_frozen_variable_is_shown_read_only_and_a_forged_post_does_not_change_it()
    {
        using var factory = new GenConfigFactory(prepareRoot: WriteDictionaryWithFrozen);
        using var client = await factory.LoginAsync();
        var (html, _) = await GenConfigFactory.GetFormAsync(client, "/config?mode=expert");

        var frozen = HtmlText.ById(html, "f-serveur")!;
        Assert.Contains(" disabled", frozen, StringComparison.Ordinal);
        Assert.DoesNotContain(" disabled", HtmlText.ById(html, "f-verrou")!, StringComparison.Ordinal);

        var (saved, _) = await PostAsync(client, FormPost.FromPage(html).Set("serveur", "autre").Set("__fields", "serveur"), "save");
        Assert.Equal(HttpStatusCode.SeeOther, saved.StatusCode);
        Assert.False(File.Exists(factory.ConfigEol) && ConfigEol(factory).ContainsKey("serveur"));

        // Unfrozen (the condition no longer matches), it is editable again.
        factory.Set(("verrou", ["non"]));
        var (open, _) = await GenConfigFactory.GetFormAsync(client, "/config?mode=expert");
        Assert.DoesNotContain(" disabled", HtmlText.ById(open, "f-serveur")!, StringComparison.Ordinal);
    }

    /// <summary>A root with its own dictionary: a variable frozen while another says <c>oui</c>.</summary>
    private static void WriteDictionaryWithFrozen(string root) =>
        WriteDictionary(root, """
            <?xml version="1.0" encoding="utf-8"?>
            <creole>
                <variables>
                    <family name='application'>
                        <variable name='verrou' type='oui/non' description="Verrou"><value>oui</value></variable>
                        <variable name='serveur' type='string' description="Serveur"><value>principal</value></variable>
                    </family>
                </variables>
                <constraints>
                    <condition name='frozen_if_in' source='verrou'>
                        <param>oui</param>
                        <target type='variable'>serveur</target>
                    </condition>
                </constraints>
            </creole>
            """);

    private static void WriteDictionary(string root, string xml)
    {
        var folder = Path.Join(root, "usr", "share", "eole", "creole", "dicos");
        Directory.CreateDirectory(folder);
        Directory.CreateDirectory(Path.Join(root, "usr", "share", "eole", "creole", "distrib"));
        File.WriteAllText(Path.Join(folder, "01_app.xml"), xml);
    }

    /// <summary>A root with its own dictionary: a password, a hidden variable, an open enum.</summary>
    private static void WriteDictionaryWithPassword(string root) =>
        WriteDictionary(root, """
            <?xml version="1.0" encoding="utf-8"?>
            <creole>
                <variables>
                    <family name='application'>
                        <variable name='secret_db' type='password' description="Mot de passe de la base"/>
                        <variable name='ville' type='string' description="Ville" mandatory='True'><value>Paris</value></variable>
                        <variable name='cachee' type='string' description="Cachée" hidden='True'><value>x</value></variable>
                    </family>
                </variables>
                <constraints>
                    <check name='valid_enum' target='ville'>
                        <param>['Paris', 'Dijon']</param>
                        <param name='checkval'>False</param>
                    </check>
                </constraints>
            </creole>
            """);
}
