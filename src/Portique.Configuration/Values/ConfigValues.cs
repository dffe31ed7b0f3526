using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portique.Core;

namespace Portique.Configuration;

/// <summary>Who wrote config.eol values: EOLE's web editor, or Portique's CLI.</summary>
public static class Owners
{
    /// <summary>EOLE's <c>gen_config</c>, and Portique's web UI which plays the same role.</summary>
    public const string GenConfig = "gen_config";

    /// <summary>Portique's command line (<c>portique set VAR VALUE...</c>).</summary>
    public const string Portique = "portique";
}

/// <summary>
/// One config.eol entry as stored. A multi variable's <c>val</c> is a JSON list (<see cref="IsList"/>);
/// JSON numbers and booleans are read as their text (<c>2</c>, <c>True</c>); <see langword="null"/> items are empty rows.
/// A missing or <see langword="null"/> <c>val</c> of a single value gives no items.
/// </summary>
public sealed record StoredValue(string Owner, IReadOnlyList<string?> Items, bool IsList)
{
    /// <summary>Equal when owner, shape and items (in order) are equal.</summary>
    public bool Equals(StoredValue? other) =>
        other is not null && Owner == other.Owner && IsList == other.IsList && Items.SequenceEqual(other.Items);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Owner, IsList, Items.Count);

    /// <summary>
    /// A <c>submulti</c> value (EOLE: a list of lists, <c>[["a", "b"], ["c"]]</c>): its rows; <see cref="Items"/> then
    /// holds every row's items in order, each validated by the variable's type. Null for any other value.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<string?>>? SubRows { get; init; }

    /// <summary>
    /// A slave as EOLE 2.5+ (Tiramisu) stores it: only the rows given, by index (<c>{"0": "a", "3": "b"}</c>, and an owner
    /// per row). <see cref="Items"/> then holds rows 0 to the highest index, <see langword="null"/> where none is stored;
    /// a row not stored takes the slave's fill or default, as in EOLE. Null for any other value.
    /// </summary>
    public IReadOnlyDictionary<int, string?>? RowsByIndex { get; init; }
}

/// <summary>
/// The values of <c>/etc/eole/config.eol</c>: <c>{"var": {"owner": "gen_config", "val": ...}, ...}</c>. Immutable:
/// every change returns a new object, so a refused change leaves what was loaded intact. Everything
/// the file holds besides owners and values (<c>___version___</c>, extra fields) is kept untouched.
/// </summary>
public sealed partial class ConfigValues
{
    private static readonly JsonSerializerOptions WriteOptions = new()
    {
        WriteIndented = true,
        // config.eol is read by Python and by administrators, not embedded in HTML: keep accents readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    // Never mutated once built: changes work on a deep copy.
    private readonly JsonObject _document;
    private readonly Dictionary<string, StoredValue> _variables;

    private readonly bool _eole23;

    private ConfigValues(JsonObject document, Dictionary<string, StoredValue> variables, bool eole23 = false)
    {
        this._document = document;
        this._variables = variables;
        this._eole23 = eole23;
        Names = variables.Keys.ToArray();
    }

    /// <summary>No values (a server whose config.eol does not exist yet).</summary>
    public static ConfigValues Empty { get; } = new([], new Dictionary<string, StoredValue>(StringComparer.Ordinal));

    /// <summary>The variables with an entry, in file order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Every variable entry by name.</summary>
    public IReadOnlyDictionary<string, StoredValue> Variables => _variables;

    /// <summary>Reads config.eol text.</summary>
    /// <param name="json">The file's text.</param>
    /// <param name="subject">What to name in errors (the file path).</param>
    /// <exception cref="ConfigurationInvalidException">Not JSON, not an object, or a value that is neither a scalar nor a list of scalars.</exception>
    public static ConfigValues Parse(string json, string subject = "config.eol")
    {
        ArgumentNullException.ThrowIfNull(json);
        var eole23 = IsEole23(json);
        JsonObject document;
        try
        {
            var node = eole23 ? ParseEole23(json, subject) : JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false });
            document = node as JsonObject ?? throw new ConfigurationInvalidException([new Diagnostic(subject, Messages.ConfigEolNotObject)]);
            // Materialise the properties now: duplicate keys surface here, not later.
            _ = document.Count;
        }
        catch (Exception exception) when (exception is JsonException or ArgumentException or InvalidOperationException)
        {
            throw new ConfigurationInvalidException([new Diagnostic(subject, Messages.FormatConfigEolInvalidJson(exception.Message))]);
        }

        var problems = new List<Diagnostic>();
        var variables = new Dictionary<string, StoredValue>(StringComparer.Ordinal);
        foreach (var (name, entry) in document)
        {
            if (entry is JsonObject entryObject)
            {
                if (TryRead(entryObject, out var value))
                {
                    variables[name] = value;
                }
                else
                {
                    problems.Add(new Diagnostic(name, Messages.ConfigEolValueNotScalar));
                }
            }
            else if (!name.StartsWith("___", StringComparison.Ordinal))
            {
                // Creole keeps only its own markers (___version___) outside an {"owner", "val"} entry.
                problems.Add(new Diagnostic(name, Messages.ConfigEolValueNotEntry));
            }
        }

        if (problems.Count > 0)
        {
            throw new ConfigurationInvalidException(problems);
        }

        return new ConfigValues(document, variables, eole23);
    }

    /// <summary>The entry of a variable, or <see langword="null"/>.</summary>
    public StoredValue? Get(string name) => _variables.GetValueOrDefault(name);

    /// <summary>
    /// Returns values where <paramref name="name"/> holds <paramref name="items"/> written as text, as a JSON list
    /// when <paramref name="asList"/>, else as one scalar (<see langword="null"/> when there is no item).
    /// Prefer <see cref="EvaluatedConfiguration.SetValue"/>, which knows each variable's shape and type.
    /// </summary>
    public ConfigValues Set(string name, string owner, IReadOnlyList<string?> items, bool asList)
    {
        ArgumentNullException.ThrowIfNull(items);
        return Set(name, owner, items.Select(i => i is null ? null : (JsonNode)JsonValue.Create(i)).ToArray(), asList);
    }

    /// <summary>Returns values without the entry of <paramref name="name"/> (its default or fill applies again).</summary>
    public ConfigValues Remove(string name)
    {
        if (!_document.ContainsKey(name))
        {
            return this;
        }

        var copy = (JsonObject)_document.DeepClone();
        copy.Remove(name);
        return FromTrustedDocument(copy, _eole23);
    }

    /// <summary>
    /// The config.eol text: indented JSON, UTF-8 characters unescaped, ending with a newline; EOLE 2.3's format when
    /// the values were read from it.
    /// </summary>
    public string ToJson() => _eole23 ? ToEole23() : _document.ToJsonString(WriteOptions) + "\n";

    /// <summary>
    /// Whether a slave is written by row index, as EOLE 2.5+ (Tiramisu) writes it: the file says it is EOLE 2.5 or later
    /// (<c>___version___</c>), or already holds a slave written that way.
    /// </summary>
    internal bool WritesSlavesByIndex =>
        _variables.Values.Any(v => v.RowsByIndex is not null)
        || (_document["___version___"] is JsonValue version && version.GetValueKind() == JsonValueKind.String
            && Version.TryParse(version.GetValue<string>(), out var parsed) && parsed >= new Version(2, 5));

    internal ConfigValues Set(string name, string owner, IReadOnlyList<JsonNode?> items, bool asList, bool byIndex = false) =>
        SetAll([new ValueChange(name, owner, items, asList, byIndex)]);

    /// <summary>One value to store (<see cref="SetAll"/>).</summary>
    internal sealed record ValueChange(string Name, string Owner, IReadOnlyList<JsonNode?> Items, bool AsList, bool ByIndex);

    /// <summary>Several <see cref="Set"/>s in order, copying the document once rather than once per value.</summary>
    internal ConfigValues SetAll(IReadOnlyList<ValueChange> changes)
    {
        var copy = (JsonObject)_document.DeepClone();
        foreach (var change in changes)
        {
            Apply(copy, change);
        }

        return FromTrustedDocument(copy, _eole23);
    }

    private static void Apply(JsonObject document, ValueChange change)
    {
        var (name, owner, items, asList, byIndex) = change;
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        var entry = document[name] as JsonObject ?? [];
        if (asList && (byIndex || entry["val"] is JsonObject))
        {
            // A slave of an EOLE 2.5+ file is written by row index, as EOLE writes it, so that EOLE's tools read it as theirs.
            var rows = new JsonObject();
            var owners = new JsonObject();
            for (var index = 0; index < items.Count; index++)
            {
                var key = index.ToString(CultureInfo.InvariantCulture);
                rows[key] = items[index]?.DeepClone();
                owners[key] = owner;
            }

            entry["owner"] = owners;
            entry["val"] = rows;
            document[name] = entry;
            return;
        }

        entry["owner"] = owner;
        entry["val"] = asList ? new JsonArray(items.Select(i => i?.DeepClone()).ToArray()) : items.Count == 0 ? null : items[0]?.DeepClone();
        document[name] = entry;
    }

    private static ConfigValues FromTrustedDocument(JsonObject document, bool eole23)
    {
        var variables = new Dictionary<string, StoredValue>(StringComparer.Ordinal);
        foreach (var (name, entry) in document)
        {
            if (entry is JsonObject entryObject && TryRead(entryObject, out var value))
            {
                variables[name] = value;
            }
        }

        return new ConfigValues(document, variables, eole23);
    }

    private static bool TryRead(JsonObject entry, out StoredValue value)
    {
        var owner = entry["owner"] switch
        {
            JsonValue single when single.GetValueKind() == JsonValueKind.String => single.GetValue<string>(),
            // Some Creole versions keep one owner per row for slaves: a list, or (EOLE 2.5+) an object by row index.
            JsonArray owners => owners.OfType<JsonValue>().Select(o => o.ToString()).FirstOrDefault() ?? "",
            JsonObject owners => owners.Select(o => o.Value).OfType<JsonValue>().Select(o => o.ToString()).FirstOrDefault() ?? "",
            _ => "",
        };
        value = new StoredValue(owner, [], false);
        switch (entry["val"])
        {
            case null:
                return true;
            case JsonArray list when list.Count > 0 && list.All(row => row is JsonArray):
                // submulti: a list of lists of scalars, kept as written (the document itself is never rewritten).
                var rows = new List<IReadOnlyList<string?>>(list.Count);
                foreach (var row in list.Cast<JsonArray>())
                {
                    if (ReadScalars(row) is not { } rowItems)
                    {
                        return false;
                    }

                    rows.Add(rowItems);
                }

                value = value with { Items = rows.SelectMany(r => r).ToArray(), IsList = true, SubRows = rows };
                return true;
            case JsonArray list:
                if (ReadScalars(list) is not { } items)
                {
                    return false;
                }

                value = value with { Items = items, IsList = true };
                return true;
            case JsonObject byIndex:
                if (ReadRowsByIndex(byIndex) is not { } rowsByIndex)
                {
                    return false;
                }

                var count = rowsByIndex.Count == 0 ? 0 : rowsByIndex.Keys.Max() + 1;
                value = value with
                {
                    Items = Enumerable.Range(0, count).Select(i => rowsByIndex.GetValueOrDefault(i)).ToArray(),
                    IsList = true,
                    RowsByIndex = rowsByIndex,
                };
                return true;
            case JsonValue scalar:
                var text = ScalarText(scalar);
                value = value with { Items = text is null ? [] : [text] };
                return true;
            default:
                return false;
        }
    }

    /// <summary>EOLE 2.5+'s slave rows, <c>{"0": "a", "3": "b"}</c>: non-negative integer keys (at most 100000), scalar values.</summary>
    private static Dictionary<int, string?>? ReadRowsByIndex(JsonObject rows)
    {
        var result = new Dictionary<int, string?>();
        foreach (var (key, item) in rows)
        {
            if (!int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index > MaxRowIndex
                || index.ToString(CultureInfo.InvariantCulture) != key || item is not null and not JsonValue)
            {
                return null;
            }

            result[index] = item is null ? null : ScalarText((JsonValue)item);
        }

        return result;
    }

    /// <summary>The highest row index read from EOLE's by-index slave values: a file cannot make Portique build huge lists.</summary>
    private const int MaxRowIndex = 100_000;

    private static List<string?>? ReadScalars(JsonArray list)
    {
        var items = new List<string?>(list.Count);
        foreach (var item in list)
        {
            if (item is not null and not JsonValue)
            {
                return null;
            }

            items.Add(item is null ? null : ScalarText((JsonValue)item));
        }

        return items;
    }

    private static string? ScalarText(JsonValue value) => value.GetValueKind() switch
    {
        JsonValueKind.String => value.GetValue<string>(),
        JsonValueKind.True => "True",
        JsonValueKind.False => "False",
        JsonValueKind.Null => null,
        _ => value.ToJsonString(),
    };

    internal static JsonNode? NumberOrText(string? text) =>
        text is null ? null
        : VariableTypes.TryParseInteger(text, out var number) && number.ToString(CultureInfo.InvariantCulture) == text ? JsonValue.Create(number)
        : JsonValue.Create(text);
}
