using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portique.Core;

/// <summary>
/// An enum written as its camel-case name (<c>"recreate"</c>, <c>"tcp"</c>), as Portique's JSON has always written
/// them. A closed type per enum, so that a source-generated context can name it (no reflection: the shipped command is
/// compiled ahead of time).
/// </summary>
public sealed class CamelCaseEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.CamelCase)
    where TEnum : struct, Enum;
