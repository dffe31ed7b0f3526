using static Portique.Configuration.Tests.Dictionaries;

namespace Portique.Configuration.Tests;

/// <summary>The workshop's literal dictionaries behave as written.</summary>
public sealed class WorkshopTests
{
    private static readonly DictionarySource Workshop = DictionarySource.Load(AtelierFolder);

    [Fact]
    public void Two_containers_enable_families_1_and_2_and_disable_3_to_5()
    {
        var configuration = Workshop.Evaluate(("nombre_conteneur", "2"));

        Assert.False(configuration.Family("Conteneur-1").Disabled);
        Assert.False(configuration.Family("Conteneur-2").Disabled);
        Assert.True(configuration.Family("Conteneur-3").Disabled);
        Assert.True(configuration.Family("Conteneur-4").Disabled);
        Assert.True(configuration.Family("Conteneur-5").Disabled);
        Assert.True(configuration.Variable("conteneur3_name").Disabled);
        Assert.False(configuration.Variable("conteneur2_name").Disabled);
    }

    [Fact]
    public void Without_values_the_default_of_one_container_applies()
    {
        var configuration = Workshop.Evaluate();

        Assert.Equal(["1"], configuration.Variable("nombre_conteneur").Values);
        Assert.Equal([false, true, true, true, true], configuration.Families.Skip(1).Select(f => f.Disabled));
    }

    [Fact]
    public void Zero_containers_disable_every_container_family()
    {
        var configuration = Workshop.Evaluate(("nombre_conteneur", "0"));

        Assert.All(configuration.Families.Skip(1), family => Assert.True(family.Disabled));
        Assert.Empty(configuration.Validate());
    }

    [Fact]
    public void The_mandatory_name_and_type_of_an_enabled_container_are_required()
    {
        var configuration = Workshop.Evaluate(("nombre_conteneur", "2"), ("conteneur1_name", "rocketchat"), ("conteneur1_type", "docker"));

        Assert.Equal(["conteneur2_name", "conteneur2_type"], configuration.Validate().Select(d => d.Subject));
    }

    [Fact]
    public void The_container_type_enum_allows_other_values_since_checkval_is_false()
    {
        var configuration = Workshop.Evaluate(("conteneur1_name", "rocketchat"), ("conteneur1_type", "lxc"));

        Assert.Empty(configuration.Validate());
        var type = configuration.Variable("conteneur1_type");
        Assert.Equal(["docker", "docker-git", "snap", "snapcraft", "vagrant", "qemu", "jboss"], type.Choices);
        Assert.True(type.OtherChoicesAllowed);
    }

    [Fact]
    public void Mount_points_are_a_master_slave_group_whose_rows_must_align()
    {
        var configuration = Workshop.Evaluate(
            ("conteneur1_name", "rocketchat"),
            ("conteneur1_type", "docker"),
            ("conteneur1_mountpoint_in", new[] { "/app/uploads", "/app/data" }),
            ("conteneur1_mountpoint_out", new[] { "/srv/rocketchat/uploads" }));

        var problem = Assert.Single(configuration.Validate());
        Assert.Equal("conteneur1_mountpoint_out", problem.Subject);
        Assert.Contains("conteneur1_mountpoint_in", problem.Message, StringComparison.Ordinal);
        Assert.Contains("1", problem.Message, StringComparison.Ordinal);
        Assert.Contains("2", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_global_file_is_generated_and_removable()
    {
        var file = Assert.Single(Workshop.Evaluate().Files);

        Assert.Equal("/etc/eole/conteneur-vars.conf", file.Name);
        Assert.Equal("conteneur-vars.conf", file.Source);
        Assert.Equal("ad-files", file.FileList);
        Assert.True(file.Remove);
        Assert.True(file.Enabled);
    }

    [Fact]
    public void Template_values_give_master_rows_with_their_slaves()
    {
        var values = Workshop.Evaluate(
            ("conteneur1_name", "rocketchat"),
            ("conteneur1_type", "docker"),
            ("conteneur1_port_in", new[] { "3000", "3001" }),
            ("conteneur1_port_out", new[] { "8080", "8081" })).GetTemplateValues();

        Assert.Equal("rocketchat", values.Variables["conteneur1_name"]);
        Assert.False(values.Variables.ContainsKey("conteneur2_name"));
        var rows = values.Masters["conteneur1_port_in"];
        Assert.Equal(["3000", "3001"], rows.MasterValues);
        Assert.Equal(["8080", "8081"], rows.Slaves["conteneur1_port_out"]);
        Assert.Empty(values.Masters["conteneur1_mountpoint_in"].MasterValues);
    }
}
