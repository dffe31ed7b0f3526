using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portique.Planning;

/// <summary>
/// A technology a service may run with: one value of <c>conteneurN_type</c>. Its <see cref="TechnologyModule"/> declares
/// it, with its names (the canonical one is written in labels and messages; aliases are accepted when parsing); nothing
/// here lists them, so adding a technology touches no shared file. Two technologies are equal when their canonical names are.
/// </summary>
[JsonConverter(typeof(TechnologyJsonConverter))]
public readonly struct Technology : IEquatable<Technology>
{
    private readonly string[]? _aliases;

    /// <param name="name">The canonical name, lower case (<c>docker+git</c>).</param>
    /// <param name="aliases">Other spellings an administrator may write (<c>docker-git</c>, the workshop's).</param>
    public Technology(string name, params string[] aliases)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(aliases);
        if (!IsCanonical(name) || !aliases.All(IsCanonical))
        {
            throw new ArgumentException($"Technology names are lower case without blanks: {name}.", nameof(name));
        }

        Name = name;
        _aliases = aliases;
    }

    private static bool IsCanonical(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '+' or '-' or '.' or '_');

    /// <summary>The canonical name: <c>conteneurN_type</c>'s value, labels, records and messages.</summary>
    public string Name { get => field ?? ""; }

    /// <summary>The canonical name, then the accepted aliases.</summary>
    public IReadOnlyList<string> Names => [Name, .. _aliases ?? []];

    /// <summary>Whether <paramref name="value"/> (a <c>conteneurN_type</c>, a label) names this technology, ignoring case and blanks around.</summary>
    public bool IsNamed(string? value)
    {
        var normalised = value?.Trim().ToLowerInvariant();
        return normalised is { Length: > 0 } && Names.Contains(normalised);
    }

    /// <summary>
    /// The technology a label, record or stored spec names (Portique writes canonical names there). Known or not: an
    /// instance left by a technology no module serves any more is still observed, and reported as not supported.
    /// </summary>
    public static bool TryFromName(string? name, out Technology technology)
    {
        var normalised = name?.Trim().ToLowerInvariant();
        if (normalised is not null && IsCanonical(normalised))
        {
            technology = new Technology(normalised);
            return true;
        }

        technology = default;
        return false;
    }

    public bool Equals(Technology other) => string.Equals(Name, other.Name, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is Technology other && Equals(other);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Name);

    public override string ToString() => Name;

    public static bool operator ==(Technology left, Technology right) => left.Equals(right);

    public static bool operator !=(Technology left, Technology right) => !left.Equals(right);
}

/// <summary>Finding a technology by name among those known (a driver's own, or every module's).</summary>
public static class TechnologyNames
{
    /// <summary>Parses a <c>conteneurN_type</c> value or a label, canonical name or alias, ignoring case and blanks around.</summary>
    public static bool TryParse(this IEnumerable<Technology> known, string? value, out Technology technology)
    {
        ArgumentNullException.ThrowIfNull(known);
        foreach (var candidate in known)
        {
            if (candidate.IsNamed(value))
            {
                technology = candidate;
                return true;
            }
        }

        technology = default;
        return false;
    }
}

/// <summary>A technology is written as its canonical name, in JSON as everywhere else.</summary>
internal sealed class TechnologyJsonConverter : JsonConverter<Technology>
{
    public override Technology Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Technology.TryFromName(reader.GetString(), out var technology) ? technology : throw new JsonException("Not a technology name.");

    public override void Write(Utf8JsonWriter writer, Technology value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.Name);
    }
}
