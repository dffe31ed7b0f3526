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

    [Property(MaxTest = 300)]
    public void Random_config_values_only_ever_raise_configuration_errors(string json)
    {
        try
        {
            var values = ConfigValues.Parse(json ?? "");
            var configuration = EvaluatedConfiguration.Evaluate(Dictionaries.Parse(("00_global.xml", Global), ("10_c.xml", Valid[2])), values);
            _ = configuration.Validate();
        }
        catch (ConfigurationInvalidException)
        {
        }
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
