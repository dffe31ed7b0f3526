namespace Portique.Planning.Tests;

public class PlannerTests
{
    [Fact]
    public void The_spec_hash_is_stable_across_two_builds_of_the_same_configuration()
    {
        Assert.Equal(Specs.Web().SpecHash(), Specs.Web().SpecHash());
        Assert.NotEqual(Specs.Web().SpecHash(), Specs.Web(tag: "2.0").SpecHash());
    }

    [Fact]
    public void Routing_only_fields_do_not_change_the_hash()
    {
        var spec = Specs.Web();
        Assert.Equal(spec.SpecHash(), (spec with { KeepPrefix = true, Index = 7 }).SpecHash());
    }

    [Fact]
    public void A_service_without_instance_is_created()
    {
        var plan = Planner.Diff(new DesiredState([Specs.Web()]), []);
        Assert.Equal(ActionKind.Create, Assert.Single(plan.Actions).Kind);
        Assert.True(plan.HasChanges);
    }

    [Fact]
    public void A_matching_running_instance_is_kept_and_the_plan_has_no_changes()
    {
        var spec = Specs.Web();
        var plan = Planner.Diff(new DesiredState([spec]), [Specs.Running(spec)]);
        Assert.Equal(ActionKind.Keep, Assert.Single(plan.Actions).Kind);
        Assert.False(plan.HasChanges);
    }

    [Fact]
    public void A_matching_stopped_instance_is_started()
    {
        var spec = Specs.Web();
        var plan = Planner.Diff(new DesiredState([spec]), [Specs.Running(spec) with { State = InstanceState.Stopped }]);
        Assert.Equal(ActionKind.Start, Assert.Single(plan.Actions).Kind);
    }

    [Fact]
    public void A_changed_tag_recreates_with_the_tag_named_in_the_reason()
    {
        var plan = Planner.Diff(new DesiredState([Specs.Web(tag: "2.0")]), [Specs.Running(Specs.Web(tag: "1.0"))]);
        var action = Assert.Single(plan.Actions);
        Assert.Equal(ActionKind.Recreate, action.Kind);
        Assert.Equal("tag: 1.0 → 2.0", Assert.Single(action.Reasons));
    }

    [Fact]
    public void A_changed_limit_recreates_with_the_limits_named_in_the_reason()
    {
        var bounded = Specs.Web() with { MemoryBytes = 512L << 20, Cpus = 1.5m };
        var plan = Planner.Diff(new DesiredState([bounded]), [Specs.Running(Specs.Web())]);
        var action = Assert.Single(plan.Actions);

        Assert.Equal(ActionKind.Recreate, action.Kind);
        Assert.Equal(["cpu: (none) → 1.5", "memoire: (none) → 512M"], action.Reasons);
        var lowered = Planner.Diff(new DesiredState([bounded with { MemoryBytes = 256L << 20 }]), [Specs.Running(bounded)]);
        Assert.Equal("memoire: 512M → 256M", Assert.Single(Assert.Single(lowered.Actions).Reasons));
        Assert.False(Planner.Diff(new DesiredState([bounded]), [Specs.Running(bounded)]).HasChanges);
    }

    [Fact]
    public void A_changed_port_recreates_with_the_ports_named_in_the_reason()
    {
        var plan = Planner.Diff(new DesiredState([Specs.Web(hostPort: 9000)]), [Specs.Running(Specs.Web())]);
        Assert.StartsWith("port_in/port_out:", Assert.Single(Assert.Single(plan.Actions).Reasons));
    }

    [Fact]
    public void A_changed_environment_names_the_key_but_never_the_value()
    {
        var desired = Specs.Web() with { Environment = ["MODE=prod", "SECRET=hunter2"] };
        var reason = Assert.Single(Assert.Single(Planner.Diff(new DesiredState([desired]), [Specs.Running(Specs.Web())]).Actions).Reasons);
        Assert.Equal("environnement: SECRET", reason);
        Assert.DoesNotContain("hunter2", reason);
    }

    [Fact]
    public void A_changed_technology_setting_is_named_by_its_label_and_one_set_back_to_its_default_is_reported_too()
    {
        var plain = Specs.Web();
        var extra = plain with { Settings = new ExampleSettings { Extra = "x" } };

        var added = Assert.Single(Assert.Single(Planner.Diff(new DesiredState([extra]), [Specs.Running(plain)]).Actions).Reasons);
        var removed = Assert.Single(Assert.Single(Planner.Diff(new DesiredState([plain]), [Specs.Running(extra)]).Actions).Reasons);

        Assert.Equal("extra_label: (none) → x", added);
        Assert.Equal("zz_extra: x → (none)", removed);
    }

    [Fact]
    public void A_technology_switch_recreates_and_says_so()
    {
        var plan = Planner.Diff(new DesiredState([Specs.Web(technology: TestTechnologies.Podman)]), [Specs.Running(Specs.Web())]);
        var action = Assert.Single(plan.Actions);
        Assert.Equal(ActionKind.Recreate, action.Kind);
        Assert.Equal("type: docker → podman", Assert.Single(action.Reasons));
    }

    [Fact]
    public void An_unreadable_recorded_spec_forces_a_recreate()
    {
        var observed = Specs.Running(Specs.Web()) with { SpecHash = "x", SpecJson = "{not json" };
        var action = Assert.Single(Planner.Diff(new DesiredState([Specs.Web()]), [observed]).Actions);
        Assert.Equal(ActionKind.Recreate, action.Kind);
    }

    [Fact]
    public void An_instance_no_longer_configured_is_removed()
    {
        var plan = Planner.Diff(new DesiredState([]), [Specs.Running(Specs.Web("old"))]);
        var action = Assert.Single(plan.Actions);
        Assert.Equal(("old", ActionKind.Remove), (action.Name, action.Kind));
    }

    [Fact]
    public void An_aside_instance_next_to_a_live_one_is_a_leftover_to_clean()
    {
        var spec = Specs.Web();
        var aside = Specs.Running(spec, id: "c0") with { IsAside = true, State = InstanceState.Stopped };
        var plan = Planner.Diff(new DesiredState([spec]), [aside, Specs.Running(spec)]);
        var action = Assert.Single(plan.Actions);
        Assert.Equal(ActionKind.Keep, action.Kind);
        Assert.Equal("c0", Assert.Single(action.Leftovers).InstanceId);
        Assert.True(plan.HasChanges);
    }

    [Fact]
    public void An_aside_instance_alone_is_replaced_after_an_interrupted_run()
    {
        var spec = Specs.Web();
        var aside = Specs.Running(spec) with { IsAside = true, State = InstanceState.Stopped };
        var action = Assert.Single(Planner.Diff(new DesiredState([spec]), [aside]).Actions);
        Assert.Equal(ActionKind.Recreate, action.Kind);
        Assert.Same(aside, action.Observed);
    }

    [Fact]
    public void The_plan_is_keyed_by_name_not_by_position()
    {
        var a = Specs.Web("a", hostPort: 8001) with { Index = 1 };
        var b = Specs.Web("b", hostPort: 8002) with { Index = 2 };
        var plan = Planner.Diff(new DesiredState([b with { Index = 1 }, a with { Index = 2 }]), [Specs.Running(a), Specs.Running(b)]);
        Assert.All(plan.Actions, action => Assert.Equal(ActionKind.Keep, action.Kind));
    }

    [Theory]
    [InlineData("docker", "docker")]
    [InlineData("docker+git", "docker+git")]
    [InlineData("docker-git", "docker+git")]
    [InlineData(" Podman ", "podman")]
    public void Technology_names_parse_with_the_workshop_alias(string text, string expected)
    {
        Assert.True(TestTechnologies.All.TryParse(text, out var technology));
        Assert.Equal(expected, technology.Name);
    }

    [Fact]
    public void An_unknown_technology_does_not_parse() => Assert.False(TestTechnologies.All.TryParse("jboss", out _));

    [Fact]
    public void Technologies_are_equal_by_their_canonical_name_only()
    {
        Assert.Equal(TestTechnologies.DockerGit, new Technology("docker+git"));
        Assert.NotEqual(TestTechnologies.Docker, TestTechnologies.DockerGit);
        Assert.True(Technology.TryFromName(" LXC ", out var lxc));
        Assert.Equal(TestTechnologies.Lxc, lxc);
        Assert.False(Technology.TryFromName("no way", out _));
        Assert.Throws<ArgumentException>(() => new Technology("Docker"));
    }

    [Fact]
    public void A_spec_off_the_private_network_writes_none_of_its_fields_so_its_hash_is_unchanged()
    {
        var json = Specs.Web().CanonicalJson();
        Assert.DoesNotContain("\"address\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"network\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"internal_ports\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Joining_the_private_network_recreates_the_service_saying_its_address_network_and_who_publishes_its_ports()
    {
        var before = Specs.Web();
        var after = before with { Address = "10.231.4.7", Network = "10.231.0.0/16", InternalPorts = [5432] };

        var action = Assert.Single(Planner.Diff(new DesiredState([after]), [Specs.Running(before)]).Actions);

        Assert.Equal(ActionKind.Recreate, action.Kind);
        // The frontend now publishes the host ports: an instance that published them itself must go.
        Assert.Equal(["ip: (none) → 10.231.4.7", "port_in: (none) → [5432]", "reseau_conteneurs: (none) → 10.231.0.0/16", "publication: (none) → frontend"], action.Reasons);
    }

    [Fact]
    public void A_new_address_is_the_only_reason_when_only_the_address_changes()
    {
        var before = Specs.Web() with { Address = "10.231.4.7", Network = "10.231.0.0/16" };
        var action = Assert.Single(Planner.Diff(new DesiredState([before with { Address = "10.231.4.8" }]), [Specs.Running(before)]).Actions);
        Assert.Equal(["ip: 10.231.4.7 → 10.231.4.8"], action.Reasons);
    }

    [Fact]
    public void The_address_network_and_internal_ports_are_read_back_from_a_stored_canonical_form()
    {
        var spec = Specs.Web() with { Address = "10.231.4.7", Network = "10.231.0.0/16", InternalPorts = [5432, 6379] };
        var read = SpecSchema.TryParse(spec.CanonicalJson(), spec.Name, spec.Index)!;
        Assert.Equal((spec.Address, spec.Network), (read.Address, read.Network));
        Assert.Equal(spec.InternalPorts, read.InternalPorts);
        Assert.Equal(spec.SpecHash(), read.SpecHash());
    }
}
