using System.Globalization;
using Portique.Core;

namespace Portique.Configuration.Tests;

/// <summary>A temporary folder deleted at the end of a test.</summary>
internal sealed class TemporaryFolder : IDisposable
{
    public TemporaryFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "portique-config-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Write(string name, string text)
    {
        var path = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Sets the UI culture for the current test's flow, restoring it at the end.</summary>
internal sealed class UiCulture : IDisposable
{
    private readonly CultureInfo _previous = CultureInfo.CurrentUICulture;

    private UiCulture(string name) => CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(name);

    public static UiCulture French() => new("fr-FR");

    public static UiCulture English() => new("en-US");

    public void Dispose() => CultureInfo.CurrentUICulture = _previous;
}

internal static class Dictionaries
{
    public static string AtelierFolder => Path.Combine(AppContext.BaseDirectory, "TestData", "atelier", "dicos");

    /// <summary>Parses in-memory dictionaries named in order.</summary>
    public static DictionarySource Parse(params (string Name, string Xml)[] files) =>
        DictionarySource.Parse(files.Select(f => new KeyValuePair<string, string>(f.Name, f.Xml)));

    /// <summary>One dictionary made of a <c>&lt;variables&gt;</c> body and an optional <c>&lt;constraints&gt;</c> body.</summary>
    public static DictionarySource One(string variables, string constraints = "", string files = "") =>
        Parse(("10_test.xml", Creole(variables, constraints, files)));

    public static string Creole(string variables, string constraints = "", string files = "", string rootAttributes = "") =>
        $"""
        <?xml version="1.0" encoding="utf-8"?>
        <creole{rootAttributes}>
            <files>{files}</files>
            <variables>{variables}</variables>
            <constraints>{constraints}</constraints>
        </creole>
        """;

    public static DictionaryException LoadFails(params (string Name, string Xml)[] files) =>
        Assert.Throws<DictionaryException>(() => Parse(files));

    public static ConfigValues Values(params (string Name, object Value)[] values)
    {
        var result = ConfigValues.Empty;
        foreach (var (name, value) in values)
        {
            result = value is string[] list
                ? result.Set(name, Owners.GenConfig, list, asList: true)
                : result.Set(name, Owners.GenConfig, [(string)value], asList: false);
        }

        return result;
    }

    public static EvaluatedConfiguration Evaluate(this DictionarySource source, params (string Name, object Value)[] values) =>
        EvaluatedConfiguration.Evaluate(source, Values(values));

    public static EvaluatedVariable Variable(this EvaluatedConfiguration configuration, string name) =>
        configuration.Find(name) ?? throw new InvalidOperationException($"no variable {name}");

    public static EvaluatedFamily Family(this EvaluatedConfiguration configuration, string name) =>
        configuration.Families.Single(f => f.Name == name);
}
