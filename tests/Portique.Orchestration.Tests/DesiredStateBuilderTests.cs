using Portique.Technologies.Docker;

namespace Portique.Orchestration.Tests;

public class DesiredStateBuilderTests
{
    private static IReadOnlyList<Core.Diagnostic> Problems(Sandbox sandbox)
    {
        var workspace = sandbox.Workspace;
        return workspace.Validate(workspace.Evaluate()).Problems;
    }

    [Fact]
    public void A_valid_container_becomes_a_service_spec_with_defaults()
    {
        using var sandbox = new Sandbox();
        sandbox.Store([.. Sandbox.Container(1, "wiki", 18081), ("conteneur1_tag", [])]);
        var workspace = sandbox.Workspace;
        var report = workspace.Validate(workspace.Evaluate());

        Assert.Empty(report.Problems);
        var spec = Assert.Single(report.Desired.Services);
        Assert.Equal(("wiki", DockerModule.Docker, "latest", 18081), (spec.Name, spec.Technology, spec.Tag, spec.RoutedPort));
        Assert.Equal("0.0.0.0", spec.PublishAddress);
    }

    [Fact]
    public void Replicas_become_swarm_settings_and_a_docker_container_keeps_the_hash_released_versions_stored_for_its_replicas()
    {
        using var sandbox = new Sandbox();
        sandbox.Store([("nombre_conteneur", ["3"]),
            .. Sandbox.Container(1, "one", 18081),
            .. Sandbox.Container(2, "many", 18082), ("conteneur2_type", ["swarm"]), ("conteneur2_replicas", ["3"]),
            .. Sandbox.Container(3, "odd", 18083), ("conteneur3_replicas", ["3"])]);
        var workspace = sandbox.Workspace;
        var report = workspace.Validate(workspace.Evaluate());

        Assert.Empty(report.Problems);
        Assert.Null(report.Desired.Services[0].Settings);
        Assert.Equal(3, Assert.IsType<Technologies.Swarm.SwarmSettings>(report.Desired.Services[1].Settings).Replicas);
        // Released versions hashed replicas for every technology: a docker container given 3 keeps its stored hash.
        Assert.Contains("\"replicas\":3", report.Desired.Services[2].CanonicalJson(), StringComparison.Ordinal);
        Assert.Equal(
            (report.Desired.Services[2] with { Settings = null }).CanonicalJson().Replace("\"replicas\":1", "\"replicas\":3", StringComparison.Ordinal),
            report.Desired.Services[2].CanonicalJson());
    }

    [Fact]
    public void Placement_constraints_reach_a_swarm_service_and_are_refused_elsewhere_or_when_malformed()
    {
        using var sandbox = new Sandbox();
        sandbox.Store([("nombre_conteneur", ["2"]),
            .. Sandbox.Container(1, "plain", 18081),
            .. Sandbox.Container(2, "spread", 18082), ("conteneur2_type", ["swarm"]),
            ("conteneur2_contraintes", ["node.labels.zone != a", "node.role==worker"])]);
        var report = sandbox.Workspace.Validate(sandbox.Workspace.Evaluate());

        Assert.Empty(report.Problems);
        Assert.Equal(["node.labels.zone!=a", "node.role==worker"], Assert.IsType<Technologies.Swarm.SwarmSettings>(report.Desired.Services[1].Settings).Constraints);
        // Without constraints the canonical form is what it was before they existed: no recreation on upgrade.
        Assert.DoesNotContain("constraints", report.Desired.Services[0].CanonicalJson(), StringComparison.Ordinal);

        sandbox.Store([("nombre_conteneur", ["1"]), .. Sandbox.Container(1, "plain", 18081), ("conteneur1_contraintes", ["node.role==worker"])]);
        var ignored = Assert.Single(Problems(sandbox), p => p.Subject == "conteneur1_contraintes");
        Assert.Contains("swarm", ignored.Message, StringComparison.Ordinal);

        sandbox.Store([("nombre_conteneur", ["1"]), .. Sandbox.Container(1, "x", 18081), ("conteneur1_type", ["swarm"]), ("conteneur1_contraintes", ["node.hostname==a;b"])]);
        Assert.Contains(Problems(sandbox), p => p.Subject == "conteneur1_contraintes");
    }

    [Fact]
    public void A_stop_timeout_reaches_the_spec_only_when_it_differs_from_the_default_and_a_value_out_of_range_is_refused()
    {
        using var sandbox = new Sandbox();
        sandbox.Store([("nombre_conteneur", ["3"]),
            .. Sandbox.Container(1, "plain", 18081),
            .. Sandbox.Container(2, "default", 18082), ("conteneur2_delai_arret", ["10"]),
            .. Sandbox.Container(3, "patient", 18083), ("conteneur3_delai_arret", ["45"])]);
        var report = sandbox.Workspace.Validate(sandbox.Workspace.Evaluate());

        Assert.Empty(report.Problems);
        Assert.Equal([null, null, 45], report.Desired.Services.Select(s => s.StopTimeoutSeconds));
        Assert.DoesNotContain("stop_timeout", report.Desired.Services[1].CanonicalJson(), StringComparison.Ordinal);
        Assert.Contains("\"stop_timeout\":45", report.Desired.Services[2].CanonicalJson(), StringComparison.Ordinal);

        sandbox.Store([("nombre_conteneur", ["1"]), .. Sandbox.Container(1, "plain", 18081), ("conteneur1_delai_arret", ["0"])]);
        Assert.Contains(Problems(sandbox), p => p.Subject == "conteneur1_delai_arret");
    }

    [Fact]
    public void A_drain_period_reaches_a_service_replaced_without_interruption_outside_its_hash_and_a_value_out_of_range_is_refused()
    {
        using var sandbox = new Sandbox();
        (string, string[])[] network = [("activer_reseau_conteneurs", ["oui"]), ("reseau_conteneurs", ["10.231.0.0/16"])];
        sandbox.Store([("nombre_conteneur", ["3"]), .. network,
            .. Sandbox.Container(1, "plain", 18081),
            .. Sandbox.Container(2, "websockets", 18082), ("conteneur2_delai_vidange", ["120"]),
            .. Sandbox.Container(3, "stops-first", 18083), ("conteneur3_delai_vidange", ["120"]), ("conteneur3_remplacement", ["arret_prealable"])]);
        var report = sandbox.Workspace.Validate(sandbox.Workspace.Evaluate());

        Assert.Empty(report.Problems);
        // The default stays null (ReconcilerOptions.DrainPeriod); a service stopped first has nothing to drain.
        Assert.Equal([null, 120, null], report.Desired.Services.Select(s => s.DrainSeconds));
        Assert.Equal((report.Desired.Services[1] with { DrainSeconds = null }).SpecHash(), report.Desired.Services[1].SpecHash());

        sandbox.Store([("nombre_conteneur", ["1"]), .. network, .. Sandbox.Container(1, "plain", 18081), ("conteneur1_delai_vidange", ["3601"])]);
        Assert.Contains(Problems(sandbox), p => p.Subject == "conteneur1_delai_vidange");
    }

    [Fact]
    public void A_start_deadline_reaches_the_spec_outside_its_canonical_form_and_out_of_range_is_refused_by_name()
    {
        using var sandbox = new Sandbox();
        sandbox.Store([("nombre_conteneur", ["2"]), .. Sandbox.Container(1, "quick", 18081), .. Sandbox.Container(2, "slow", 18082), ("conteneur2_delai_demarrage", ["900"])]);
        var report = sandbox.Workspace.Validate(sandbox.Workspace.Evaluate());

        Assert.Empty(report.Problems);
        // Empty: each engine's own deadline; changing it replaces nothing.
        Assert.Equal([null, 900], report.Desired.Services.Select(s => s.StartSeconds));
        Assert.Equal((report.Desired.Services[1] with { StartSeconds = null }).SpecHash(), report.Desired.Services[1].SpecHash());

        foreach (var wrong in new[] { "0", "3601", "-5", "soixante" })
        {
            sandbox.Store([("nombre_conteneur", ["1"]), .. Sandbox.Container(1, "quick", 18081), ("conteneur1_delai_demarrage", [wrong])]);
            Assert.Contains(Problems(sandbox), p => p.Subject == "conteneur1_delai_demarrage");
        }
    }

    [Fact]
    public void Limits_reach_the_spec_normalised_and_a_service_without_limits_keeps_its_canonical_form()
    {
        using var sandbox = new Sandbox();
        sandbox.Store([("nombre_conteneur", ["3"]),
            .. Sandbox.Container(1, "plain", 18081),
            .. Sandbox.Container(2, "bounded", 18082), ("conteneur2_memoire", ["512M"]), ("conteneur2_cpu", ["0.50"]),
            .. Sandbox.Container(3, "bytes", 18083), ("conteneur3_memoire", ["10485760"])]);
        var report = sandbox.Workspace.Validate(sandbox.Workspace.Evaluate());

        Assert.Empty(report.Problems);
        Assert.Equal([null, 512L << 20, 10L << 20], report.Desired.Services.Select(s => s.MemoryBytes));
        Assert.Equal([null, 0.5m, null], report.Desired.Services.Select(s => s.Cpus));
        Assert.Equal(500_000_000L, report.Desired.Services[1].NanoCpus);
        Assert.DoesNotContain("memory", report.Desired.Services[0].CanonicalJson(), StringComparison.Ordinal);
        Assert.DoesNotContain("cpus", report.Desired.Services[0].CanonicalJson(), StringComparison.Ordinal);
        Assert.Contains("\"memory\":\"512M\"", report.Desired.Services[1].CanonicalJson(), StringComparison.Ordinal);
        Assert.Contains("\"cpus\":0.5,", report.Desired.Services[1].CanonicalJson(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("conteneur1_memoire", "512")]
    [InlineData("conteneur1_memoire", "5M")]
    [InlineData("conteneur1_memoire", "2T")]
    [InlineData("conteneur1_memoire", "1.5G")]
    [InlineData("conteneur1_memoire", "512MB")]
    [InlineData("conteneur1_cpu", "0")]
    [InlineData("conteneur1_cpu", "1,5")]
    [InlineData("conteneur1_cpu", "0.001")]
    [InlineData("conteneur1_cpu", "-1")]
    [InlineData("conteneur1_cpu", "2000")]
    public void A_limit_out_of_its_form_is_refused_naming_the_variable_and_what_is_allowed(string variable, string value)
    {
        using var sandbox = new Sandbox();
        sandbox.Store([("nombre_conteneur", ["1"]), .. Sandbox.Container(1, "plain", 18081), (variable, [value])]);

        var problem = Assert.Single(Problems(sandbox), p => p.Subject == variable);
        Assert.Contains(value, problem.Message, StringComparison.Ordinal);
        Assert.Contains(variable.EndsWith("cpu", StringComparison.Ordinal) ? "0.01" : "6M", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void More_processors_than_the_host_has_are_refused()
    {
        using var sandbox = new Sandbox();
        var asked = (Environment.ProcessorCount + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        sandbox.Store([("nombre_conteneur", ["1"]), .. Sandbox.Container(1, "plain", 18081), ("conteneur1_cpu", [asked])]);

        var problem = Assert.Single(Problems(sandbox), p => p.Subject == "conteneur1_cpu");
        Assert.Contains(Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture), problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_limit_on_a_snap_is_refused_as_not_applied()
    {
        using var sandbox = new Sandbox();
        sandbox.Store([("nombre_conteneur", ["1"]), .. Sandbox.Container(1, "notes", 18081),
            ("conteneur1_type", ["snap"]), ("conteneur1_url", ["hello-world"]), ("conteneur1_memoire", ["256M"])]);

        Assert.Contains(Problems(sandbox), p => p.Subject == "conteneur1_memoire");
    }

    [Fact]
    public void Two_containers_with_the_same_name_are_refused_naming_both()
    {
        using var sandbox = new Sandbox();
        sandbox.Store([("nombre_conteneur", ["2"]), .. Sandbox.Container(1, "wiki", 18081), .. Sandbox.Container(2, "wiki", 18082)]);
        var problem = Assert.Single(Problems(sandbox));
        Assert.Equal("conteneur2_name", problem.Subject);
        Assert.Contains("conteneur1_name", problem.Message);
    }

    [Fact]
    public void Two_containers_publishing_the_same_host_port_are_refused()
    {
        using var sandbox = new Sandbox();
        sandbox.Store([("nombre_conteneur", ["2"]), .. Sandbox.Container(1, "a", 18081), .. Sandbox.Container(2, "b", 18081)]);
        var problem = Assert.Single(Problems(sandbox));
        Assert.Equal("conteneur2_port_out", problem.Subject);
        Assert.Contains("18081", problem.Message);
    }

    [Fact]
    public void A_host_port_equal_to_the_frontend_port_is_refused()
    {
        using var sandbox = new Sandbox();
        sandbox.Store([.. Sandbox.Container(1, "a", 18081), ("frontal_port_http", ["18081"])]);
        Assert.Contains(Problems(sandbox), p => p.Subject == "conteneur1_port_out" && p.Message.Contains("frontal_port_http", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/etc")]
    [InlineData("/")]
    [InlineData("/proc/1")]
    [InlineData("/var/run/docker.sock")]
    [InlineData("relative/path")]
    public void A_relative_or_system_critical_host_mount_point_is_refused(string hostPath)
    {
        using var sandbox = new Sandbox();
        sandbox.Store([.. Sandbox.Container(1, "a", 18081), ("conteneur1_mountpoint_in", ["/data"]), ("conteneur1_mountpoint_out", [hostPath])]);
        Assert.Contains(Problems(sandbox), p => p.Subject == "conteneur1_mountpoint_out");
    }

    [Theory]
    [InlineData("conteneur1_url", "Team/App")]
    [InlineData("conteneur1_url", "app;rm -rf")]
    [InlineData("conteneur1_tag", "-rf")]
    [InlineData("conteneur1_tag", "1.0 2.0")]
    [InlineData("conteneur1_repository", "host:port:extra")]
    public void Values_that_would_reach_a_command_unsafely_are_refused(string variable, string value)
    {
        using var sandbox = new Sandbox();
        sandbox.Store([.. Sandbox.Container(1, "a", 18081), (variable, [value])]);
        Assert.Contains(Problems(sandbox), p => p.Subject == variable);
    }

    [Theory]
    [InlineData("--upload-pack=touch /tmp/x", "conteneur1_tag")]
    [InlineData("v1..v2", "conteneur1_tag")]
    public void A_git_ref_that_could_be_an_option_or_a_range_is_refused(string reference, string subject)
    {
        using var sandbox = new Sandbox();
        sandbox.Store([.. Sandbox.Container(1, "a", 18081), ("conteneur1_type", ["docker+git"]), ("conteneur1_repository", ["file:///srv/git/a"]), ("conteneur1_tag", [reference])]);
        Assert.Contains(Problems(sandbox), p => p.Subject == subject);
    }

    [Theory]
    [InlineData("file:///srv/git/a'; rm -rf /")]
    [InlineData("https://host/repo.git$(id)")]
    [InlineData("-uhttps://host/repo")]
    public void A_git_url_with_blanks_quotes_or_shell_characters_is_refused(string url)
    {
        using var sandbox = new Sandbox();
        sandbox.Store([.. Sandbox.Container(1, "a", 18081), ("conteneur1_type", ["docker+git"]), ("conteneur1_repository", [url])]);
        Assert.Contains(Problems(sandbox), p => p.Subject == "conteneur1_repository");
    }

    [Fact]
    public void Docker_git_requires_a_repository_and_a_ref()
    {
        using var sandbox = new Sandbox();
        sandbox.Store([.. Sandbox.Container(1, "a", 18081), ("conteneur1_type", ["docker+git"]), ("conteneur1_repository", []), ("conteneur1_tag", [])]);
        var subjects = Problems(sandbox).Select(p => p.Subject).ToArray();
        Assert.Contains("conteneur1_repository", subjects);
        Assert.Contains("conteneur1_tag", subjects);
    }

    [Fact]
    public void The_workshop_spelling_docker_git_is_accepted_as_docker_plus_git()
    {
        using var sandbox = new Sandbox();
        sandbox.Store([.. Sandbox.Container(1, "a", 18081), ("conteneur1_type", ["docker-git"]), ("conteneur1_repository", ["file:///srv/git/a"])]);
        var workspace = sandbox.Workspace;
        var report = workspace.Validate(workspace.Evaluate());
        Assert.Empty(report.Problems);
        Assert.Equal(DockerModule.DockerGit, Assert.Single(report.Desired.Services).Technology);
    }

    [Fact]
    public void A_snap_with_a_host_folder_is_refused_because_of_strict_confinement()
    {
        using var sandbox = new Sandbox();
        sandbox.Store([.. Sandbox.Container(1, "a", 18081), ("conteneur1_type", ["snap"]), ("conteneur1_url", ["nextcloud"]), ("conteneur1_tag", []),
            ("conteneur1_mountpoint_in", ["/data"]), ("conteneur1_mountpoint_out", ["/srv/a"])]);
        Assert.Contains(Problems(sandbox), p => p.Subject == "conteneur1_mountpoint_out");
    }

    [Fact]
    public void A_port_row_without_its_host_port_is_refused()
    {
        using var sandbox = new Sandbox();
        sandbox.Store([.. Sandbox.Container(1, "a", 18081), ("conteneur1_port_in", ["8080", "8443"]), ("conteneur1_port_out", ["18081"])]);
        Assert.Contains(Problems(sandbox), p => p.Subject.StartsWith("conteneur1_port", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        using var sandbox = new Sandbox();
        sandbox.Store([("nombre_conteneur", ["2"]), .. Sandbox.Container(1, "a", 18081), .. Sandbox.Container(2, "a", 18081), ("conteneur1_tag", ["-x"])]);
        // The bad tag, the duplicate name and the duplicate host port: each once, nothing else.
        Assert.Equal(
            ["conteneur1_tag", "conteneur2_name", "conteneur2_port_out"],
            Problems(sandbox).Select(p => p.Subject).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("99999999999999999999")]
    [InlineData("0x50")]
    [InlineData("８０")]
    [InlineData("70000")]
    public void A_port_that_is_not_one_is_a_single_type_error_never_a_crash(string port)
    {
        using var sandbox = new Sandbox();
        sandbox.Store([.. Sandbox.Container(1, "wiki", 18081), ("conteneur1_port_out", [port])]);
        var problem = Assert.Single(Problems(sandbox));
        Assert.Equal(("conteneur1_port_out", Core.ProblemKind.Invalid), (problem.Subject, problem.Kind));
    }

    [Fact]
    public void Values_not_given_yet_are_incomplete_and_conflicts_are_invalid()
    {
        using var sandbox = new Sandbox();
        sandbox.Store([("nombre_conteneur", ["3"]), .. Sandbox.Container(1, "wiki", 18081), ("conteneur2_port_in", ["80"]), ("conteneur2_port_out", ["18081"]), ("conteneur3_port_out", ["18083"]), ("conteneur3_type", ["qemu"])]);

        var problems = Problems(sandbox);

        Assert.All(problems.Where(p => p.Subject.StartsWith("conteneur3_", StringComparison.Ordinal)), p => Assert.True(p.IsIncomplete, p.ToString()));
        Assert.Contains(problems, p => p is { Subject: "conteneur2_name", IsIncomplete: true });
        Assert.Contains(problems, p => p is { Subject: "conteneur3_port_in", IsIncomplete: true });
        Assert.Contains(problems, p => p is { Subject: "conteneur2_port_out", IsIncomplete: false });
        // Two containers without a name yet are not a duplicate name.
        Assert.DoesNotContain(problems, p => p is { IsIncomplete: false, Subject: "conteneur3_name" });
    }

    [Theory]
    [InlineData("9223372036854775807")]
    [InlineData("4294967296")]
    [InlineData("501")]
    public void An_out_of_range_count_is_one_error_and_enables_no_container(string count)
    {
        using var sandbox = new Sandbox();
        sandbox.Store([("nombre_conteneur", [count])]);
        var workspace = sandbox.Workspace;
        var report = workspace.Validate(workspace.Evaluate());
        Assert.Equal("nombre_conteneur", Assert.Single(report.Problems).Subject);
        Assert.Empty(report.Desired.Services);
    }
}
