using Portique.Core;

namespace Portique.Templating.Tests;

/// <summary>One-liners for tests: render a template text with a few variables, or catch its error.</summary>
internal static class Render
{
    public const string FileName = "test.tmpl";

    public static string Text(string template, params (string Name, object? Value)[] variables) =>
        CreoleTemplate.Parse(template, FileName).Render(Scope(variables));

    public static DictionaryTemplateScope Scope(params (string Name, object? Value)[] variables) =>
        new(variables.ToDictionary(variable => variable.Name, variable => variable.Value));

    public static Diagnostic ParseError(string template) => Assert.Single(ParseErrors(template));

    public static IReadOnlyList<Diagnostic> ParseErrors(string template) =>
        Assert.Throws<TemplateException>(() => CreoleTemplate.Parse(template, FileName)).Diagnostics;

    public static Diagnostic RenderError(string template, params (string Name, object? Value)[] variables)
    {
        var parsed = CreoleTemplate.Parse(template, FileName);
        var error = Assert.Throws<TemplateException>(() => parsed.Render(Scope(variables)));
        return Assert.Single(error.Diagnostics);
    }

    public static CreoleRow Row(object? value, params (string Slave, object? Value)[] slaves) =>
        new(value, slaves.ToDictionary(slave => slave.Slave, slave => slave.Value));

    public static IReadOnlyList<object?> List(params object?[] items) => items;
}
