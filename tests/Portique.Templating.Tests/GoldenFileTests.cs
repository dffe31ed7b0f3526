using System.Text;
using static Portique.Templating.Tests.Render;

namespace Portique.Templating.Tests;

/// <summary>Realistic templates under <c>Golden/</c>: each <c>*.tmpl</c> must render exactly its <c>*.expected</c>.</summary>
[UseCulture("fr")]
public sealed class GoldenFileTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Golden");

    /// <summary>A WordPress container published through nginx, as the workshop dictionaries describe it.</summary>
    public static DictionaryTemplateScope Configuration { get; } = Scope(
        ("nom_machine", "scribe"),
        ("nom_domaine_local", "ac-test.lan"),
        ("nombre_conteneur", "1"),
        ("conteneur1_name", "wordpress"),
        ("conteneur1_type", "docker"),
        ("conteneur1_url", "docker.io/library/wordpress"),
        ("conteneur1_tag", "6.4"),
        ("conteneur1_repository", "https://hub.docker.com"),
        ("conteneur1_mountpoint_in", List(
            Row("/var/www/html", ("conteneur1_mountpoint_out", "/srv/wordpress/html")),
            Row("/etc/wordpress", ("conteneur1_mountpoint_out", "/srv/wordpress/conf")))),
        ("conteneur1_port_in", List(
            Row("80", ("conteneur1_port_out", "8080")),
            Row("443", ("conteneur1_port_out", "8443")))),
        ("conteneur1_env", List("WP_DEBUG=0", " WP_HOME=https://scribe.ac-test.lan ")));

    public static IEnumerable<string> TemplateNames() =>
        Directory.EnumerateFiles(Folder, "*.tmpl").Select(path => Path.GetFileNameWithoutExtension(path)).Order(StringComparer.Ordinal);

    public static TheoryData<string> Templates() => [.. TemplateNames()];

    [Fact]
    public void The_golden_folder_holds_the_expected_templates_each_with_its_expected_file()
    {
        Assert.Equal(["conteneur1-env", "conteneur1-vars.conf", "nginx-locations"], TemplateNames());
        Assert.All(TemplateNames(), name => Assert.True(File.Exists(Path.Combine(Folder, name + ".expected")), name + ".expected is missing"));
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void A_golden_template_renders_byte_for_byte_as_expected(string name)
    {
        var template = CreoleTemplate.Parse(File.ReadAllText(Path.Combine(Folder, name + ".tmpl")), name + ".tmpl");

        var rendered = Encoding.UTF8.GetBytes(template.Render(Configuration));

        var expected = File.ReadAllBytes(Path.Combine(Folder, name + ".expected"));
        Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(rendered));
        Assert.Equal(expected, rendered);
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void A_golden_template_renders_the_same_text_every_time(string name)
    {
        var template = CreoleTemplate.Parse(File.ReadAllText(Path.Combine(Folder, name + ".tmpl")), name + ".tmpl");
        var first = template.Render(Configuration);
        Assert.All(Enumerable.Range(0, 100), _ => Assert.Equal(first, template.Render(Configuration)));
    }

    [Fact]
    public void One_parsed_template_renders_concurrently_for_many_containers()
    {
        var template = CreoleTemplate.Parse(File.ReadAllText(Path.Combine(Folder, "conteneur1-vars.conf.tmpl")), "conteneur1-vars.conf");
        var expected = File.ReadAllText(Path.Combine(Folder, "conteneur1-vars.conf.expected"));
        var rendered = new string[100];
        Parallel.For(0, rendered.Length, i => rendered[i] = template.Render(Configuration));
        Assert.All(rendered, output => Assert.Equal(expected, output));
    }
}
