using System.Text.Json;
using System.Text.Json.Serialization;
using Portique.Orchestration;
using Portique.Planning;

namespace Portique.Cli.Tests;

/// <summary>
/// <c>plan --json</c> and <c>status --json</c> are written by source-generated contracts (the shipped command is
/// compiled ahead of time); scripts read them, so the text is the one the reflection serializer wrote before.
/// </summary>
public sealed class JsonDocumentTests
{
    private static readonly JsonSerializerOptions EarlierVersions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    [Fact]
    public void The_plan_is_written_with_the_names_order_and_enums_it_had()
    {
        var plan = new PlanDocument(
            true,
            [
                new PlannedServiceDocument("web", ActionKind.Recreate, ["conteneur1_tag: 1 → 2"], "docker", "sans_coupure", null),
                new PlannedServiceDocument("api", ActionKind.Create, [], "swarm", null, [new TaskPlacement("node1", "running")]),
            ],
            new FrontendDocument(["portique/web.conf"], [], []),
            ["conteneur2_port_out: taken"],
            ["a warning"]);

        var json = JsonSerializer.Serialize(plan, CliJsonContext.Default.PlanDocument);

        Assert.Equal(JsonSerializer.Serialize(plan, EarlierVersions), json);
        Assert.Equal(
            ["changes", "services", "frontend", "problems", "warnings"],
            JsonDocument.Parse(json).RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(
            ["name", "action", "reasons", "technology", "replacement", "tasks"],
            JsonDocument.Parse(json).RootElement.GetProperty("services")[0].EnumerateObject().Select(p => p.Name));
        Assert.Contains("\"action\": \"recreate\"", json, StringComparison.Ordinal);
        Assert.Contains("\"tasks\": null", json, StringComparison.Ordinal);
    }

    [Fact]
    public void The_status_is_written_with_the_names_and_enums_it_had_and_omits_what_is_unset()
    {
        var status = new StatusDocument(
            [
                new ServiceStatus("web", "docker", "running", "1", [new PortMapping(8080, 80)], "http://h/web/", true,
                    Update: new UpdateCheck(UpdateState.UpToDate)),
                new ServiceStatus("dns", "lxc", "absent", null, [new PortMapping(5353, 53, PortProtocol.Udp)], null, false),
            ],
            ["lxc: not installed"]);

        var json = JsonSerializer.Serialize(status, CliJsonContext.Default.StatusDocument);

        Assert.Equal(JsonSerializer.Serialize(status, EarlierVersions), json);
        Assert.Contains("\"state\": \"upToDate\"", json, StringComparison.Ordinal);
        Assert.Contains("\"protocol\": \"udp\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"address\"", json, StringComparison.Ordinal);
    }
}
