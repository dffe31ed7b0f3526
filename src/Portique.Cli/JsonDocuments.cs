using System.Text.Json.Serialization;
using Portique.Core;
using Portique.Orchestration;
using Portique.Planning;

namespace Portique.Cli;

/// <summary><c>portique plan --json</c> (docs/commands.md).</summary>
internal sealed record PlanDocument(
    bool Changes,
    IReadOnlyList<PlannedServiceDocument> Services,
    FrontendDocument Frontend,
    IReadOnlyList<string> Problems,
    IReadOnlyList<string> Warnings);

/// <summary>One service of <see cref="PlanDocument"/>; <see cref="Tasks"/> only on a swarm of several nodes.</summary>
internal sealed record PlannedServiceDocument(
    string Name,
    ActionKind Action,
    IReadOnlyList<string> Reasons,
    string? Technology,
    string? Replacement,
    IReadOnlyList<TaskPlacement>? Tasks);

/// <summary>The frontend's files a plan would add, change or remove.</summary>
internal sealed record FrontendDocument(IReadOnlyList<string> Added, IReadOnlyList<string> Changed, IReadOnlyList<string> Removed);

/// <summary><c>portique status --json</c> (docs/commands.md).</summary>
internal sealed record StatusDocument(IReadOnlyList<ServiceStatus> Services, IReadOnlyList<string> Warnings);

/// <summary>
/// The JSON the commands print, generated at build time (no reflection: the shipped command is compiled ahead of time):
/// indented, camel-case names, enums as camel-case names (<c>"recreate"</c>, <c>"upToDate"</c>, <c>"tcp"</c>).
/// </summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    Converters = [typeof(CamelCaseEnumConverter<ActionKind>), typeof(CamelCaseEnumConverter<UpdateState>), typeof(CamelCaseEnumConverter<PortProtocol>), typeof(CamelCaseEnumConverter<ProblemKind>)])]
[JsonSerializable(typeof(PlanDocument))]
[JsonSerializable(typeof(StatusDocument))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
