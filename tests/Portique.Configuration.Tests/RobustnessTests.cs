using System.Text;
using FsCheck;
using FsCheck.Xunit;
using Portique.Core;

namespace Portique.Configuration.Tests;

/// <summary>Whatever the input, loading fails only with <see cref="DictionaryException"/>, evaluation only with Portique errors.</summary>
public sealed class RobustnessTests
{
    private static readonly string[] Valid =
    [
        File.ReadAllText(Path.Combine(Dictionaries.AtelierFolder, "10_conteneur.xml")),
        File.ReadAllText(Path.Combine(Dictionaries.AtelierFolder, "25_conteneur1.xml")),
        """
        <creole repeat='nombre' repeat_max='5'>
            <files><file name='/etc/c{N}.conf' filelist='c{N}' mode='0644' rm='True'/><service servicelist='s{N}'>svc{N}</service></files>
            <variables>
                <family name='C-{N}'>
                    <variable name='c{N}_name' type='service_name' mandatory='True'><value>app{N}</value></variable>
                    <variable name='c{N}_ports' type='port' multi='True'/>
                    <variable name='c{N}_out' type='port'/>
                    <variable name='c{N}_url' type='web_address'/>
                </family>
                <separators><separator name='c{N}_name'>Conteneur {N}</separator></separators>
            </variables>
            <constraints>
                <group master='c{N}_ports'><slave>c{N}_out</slave></group>
                <fill name='concat' target='c{N}_url'><param>http://h/</param><param type='eole'>c{N}_name</param></fill>
                <check name='valid_entier' target='c{N}_out'><param name='mini'>1024</param></check>
                <condition name='disabled_if_in' source='c{N}_name'><param>off</param><target type='filelist'>c{N}</target><target type='servicelist'>s{N}</target></condition>
            </constraints>
            <help><family name='C-{N}'>Aide {N}</family></help>
        </creole>
        """,
    ];

    private const string Global = "<creole><variables><family name='g'><variable name='nombre' type='number'><value>2</value></variable></family></variables></creole>";

    [Property(MaxTest = 300)]
    public void Random_bytes_only_ever_raise_a_dictionary_error(byte[] bytes)
    {
        LoadAndEvaluate([new("10_random.xml", bytes)]);
    }

    [Property(MaxTest = 500)]
    public void Random_mutations_of_valid_dictionaries_only_ever_raise_portique_errors(int seed)
    {
        var random = new Random(seed);
        var text = Valid[random.Next(Valid.Length)];
        var mutated = Mutate(text, random);
        LoadAndEvaluate([new("00_global.xml", Encoding.UTF8.GetBytes(Global)), new("10_mutated.xml", Encoding.UTF8.GetBytes(mutated))]);
    }

    [Fact]
    public void Many_seeded_mutations_only_ever_raise_portique_errors()
    {
        var random = new Random(20240611);
        for (var i = 0; i < 2000; i++)
        {
            var text = Valid[i % Valid.Length];
            var mutated = Mutate(text, random);
            LoadAndEvaluate([new("00_global.xml", Encoding.UTF8.GetBytes(Global)), new("10_mutated.xml", Encoding.UTF8.GetBytes(mutated))]);
        }
    }

    /// <summary>
    /// A config.eol as Portique or gen_config writes it (an object of <c>{"owner", "val"}</c> entries) for the
    /// repeated dictionary <c>Valid[2]</c>, each value drawn at random from valid or invalid ones. Returns the text and
    /// the variables given an invalid value whose instance exists (so validation must name them).
    /// </summary>
    private static (string Json, HashSet<string> Invalid, bool AllValid) RandomConfigEol(Random random)
    {
        var document = new System.Text.Json.Nodes.JsonObject();
        var invalid = new HashSet<string>(StringComparer.Ordinal);
        var allValid = true;
        string Owner() => random.Next(2) == 0 ? Owners.Portique : Owners.GenConfig;
        void Put(string name, System.Text.Json.Nodes.JsonNode? value) =>
            document[name] = new System.Text.Json.Nodes.JsonObject { ["owner"] = Owner(), ["val"] = value };

        var count = random.Next(6);
        var countIsValid = random.Next(5) > 0;
        Put("nombre", countIsValid ? count.ToString(System.Globalization.CultureInfo.InvariantCulture) : "deux");
        allValid &= countIsValid;
        for (var n = 1; n <= 5; n++)
        {
            var exists = countIsValid && n <= count;
            if (random.Next(3) > 0)
            {
                var good = random.Next(4) > 0;
                Put($"c{n}_name", good ? $"app{n}-{random.Next(100)}" : new[] { "Bad_Name!", "-x", "", "a b" }[random.Next(4)]);
                var bad = !good;
                if (bad && exists)
                {
                    invalid.Add($"c{n}_name");
                }

                allValid &= !(bad && exists);
            }

            if (random.Next(2) > 0)
            {
                var rows = random.Next(3);
                var ports = new System.Text.Json.Nodes.JsonArray();
                var outs = new System.Text.Json.Nodes.JsonArray();
                for (var row = 0; row < rows; row++)
                {
                    var good = random.Next(4) > 0;
                    ports.Add(good ? (1 + random.Next(65535)).ToString(System.Globalization.CultureInfo.InvariantCulture) : "70000");
                    var goodOut = random.Next(4) > 0;
                    outs.Add(goodOut ? (1024 + random.Next(60000)).ToString(System.Globalization.CultureInfo.InvariantCulture) : "80");
                    if (exists && !good)
                    {
                        invalid.Add($"c{n}_ports");
                    }

                    if (exists && !goodOut)
                    {
                        invalid.Add($"c{n}_out");
                    }

                    allValid &= !exists || (good && goodOut);
                }

                Put($"c{n}_ports", ports);
                Put($"c{n}_out", outs);
            }
        }

        return (document.ToJsonString(), invalid, allValid);
    }

    [Property(MaxTest = 300)]
    public void Valid_shaped_config_eol_documents_are_evaluated_and_validation_names_every_invalid_value(int seed)
    {
        var (json, invalid, allValid) = RandomConfigEol(new Random(seed));
        var source = Dictionaries.Parse(("00_global.xml", Global), ("10_c.xml", Valid[2]));

        // The shape is valid: reading never fails, evaluation and validation always run.
        var values = ConfigValues.Parse(json);
        var configuration = EvaluatedConfiguration.Evaluate(source, values);
        var problems = configuration.Validate();

        var known = configuration.Variables.Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
        Assert.All(problems, p =>
        {
            Assert.False(string.IsNullOrWhiteSpace(p.Message), $"{p.Subject}: empty message");
            Assert.True(known.Contains(p.Subject) || p.Subject == "nombre", $"{p.Subject}: not a variable ({p.Message})\n{json}");
        });
        var named = problems.Select(p => p.Subject).ToHashSet(StringComparer.Ordinal);
        Assert.True(invalid.IsSubsetOf(named), $"not reported: {string.Join(", ", invalid.Except(named))}\n{json}\n{string.Join("\n", problems)}");
        if (allValid)
        {
            Assert.True(problems.Count == 0, $"{json}\n{string.Join("\n", problems)}");
            _ = configuration.GetTemplateValues();
        }
    }

    [Property(MaxTest = 300)]
    public void Config_eol_written_then_read_gives_the_same_values(int seed)
    {
        var random = new Random(seed);
        var values = ConfigValues.Empty;
        var expected = new Dictionary<string, StoredValue>(StringComparer.Ordinal);
        var alphabet = "aé z0\"'\\\n\t{}[]:,%#$`<>&€😀".EnumerateRunes().Select(r => r.ToString()).ToArray();
        for (var i = random.Next(8); i > 0; i--)
        {
            var name = "v" + random.Next(20);
            var items = Enumerable.Range(0, random.Next(4))
                .Select(_ => random.Next(8) == 0 ? null : string.Concat(Enumerable.Range(0, random.Next(6)).Select(_ => alphabet[random.Next(alphabet.Length)])))
                .ToArray();
            var asList = items.Length != 1 || random.Next(2) == 0;
            if (!asList)
            {
                // A scalar null is "no value" (no item) by definition: only non-null scalars must come back as written.
                items[0] ??= "";
            }

            var owner = random.Next(2) == 0 ? Owners.Portique : Owners.GenConfig;
            values = values.Set(name, owner, items, asList);
            expected[name] = new StoredValue(owner, items, asList);
        }

        using var folder = new TemporaryFolder();
        var path = Path.Combine(folder.Path, "config.eol");
        ConfigEolFile.Save(path, values);
        var read = ConfigEolFile.Load(path);

        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), read.Variables.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, value) in expected)
        {
            var back = read.Get(name)!;
            Assert.Equal((value.Owner, value.IsList || value.Items.Count != 1), (back.Owner, back.IsList || back.Items.Count != 1));
            Assert.Equal(value.Items, back.Items);
        }

        Assert.Equal(values.ToJson(), read.ToJson());
    }

    [Property(MaxTest = 300)]
    public void Random_values_for_every_variable_validate_without_crashing(NonNull<string>[] texts, int seed)
    {
        var source = Dictionaries.Parse(("00_global.xml", Global), ("10_c.xml", Valid[2]));
        var random = new Random(seed);
        var configuration = EvaluatedConfiguration.Evaluate(source, ConfigValues.Empty);
        var values = ConfigValues.Empty;
        foreach (var variable in configuration.Variables)
        {
            var items = texts.Where(_ => random.Next(3) == 0).Select(t => t.Get).ToArray();
            values = values.Set(variable.Name, Owners.GenConfig, items, asList: random.Next(2) == 0);
        }

        try
        {
            var evaluated = EvaluatedConfiguration.Evaluate(source, values);
            if (evaluated.Validate().Count == 0)
            {
                _ = evaluated.GetTemplateValues();
            }
        }
        catch (DictionaryException)
        {
            // A huge random count can instantiate an instance that collides; that is reported, not a crash.
        }
    }

    private static void LoadAndEvaluate(IReadOnlyList<KeyValuePair<string, byte[]>> files)
    {
        using var folder = new TemporaryFolder();
        foreach (var (name, bytes) in files)
        {
            File.WriteAllBytes(Path.Combine(folder.Path, name), bytes);
        }

        try
        {
            var source = DictionarySource.Load(folder.Path);
            var configuration = EvaluatedConfiguration.Evaluate(source, ConfigValues.Empty);
            if (configuration.Validate().Count == 0)
            {
                _ = configuration.GetTemplateValues();
            }
        }
        catch (DictionaryException exception)
        {
            Assert.NotEmpty(exception.Diagnostics);
        }
    }

    private static string Mutate(string text, Random random)
    {
        var builder = new StringBuilder(text);
        var fragments = new[] { "<", ">", "/", "'", "\"", "=", "{N}", "True", "False", "x", " ", "\n", "&", "<![CDATA[", "]]>", "<!--", "-->", "\0", "é", "0", "-1", "99999999999" };
        var mutations = 1 + random.Next(4);
        for (var i = 0; i < mutations && builder.Length > 0; i++)
        {
            var position = random.Next(builder.Length);
            switch (random.Next(4))
            {
                case 0:
                    builder.Remove(position, Math.Min(1 + random.Next(8), builder.Length - position));
                    break;
                case 1:
                    builder.Insert(position, fragments[random.Next(fragments.Length)]);
                    break;
                case 2:
                    builder[position] = (char)random.Next(32, 127);
                    break;
                default:
                    // Swap a quoted value for another one of the document: names, types, modes, targets.
                    var targets = System.Text.RegularExpressions.Regex.Matches(builder.ToString(), "'[^']*'");
                    var sources = System.Text.RegularExpressions.Regex.Matches(text, "'[^']*'");
                    if (targets.Count > 0 && sources.Count > 0)
                    {
                        var target = targets[random.Next(targets.Count)];
                        builder.Remove(target.Index, target.Length).Insert(target.Index, sources[random.Next(sources.Count)].Value);
                    }

                    break;
            }
        }

        return builder.ToString();
    }
}
