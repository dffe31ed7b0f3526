namespace Portique.Templating.Runtime;

/// <summary>A function a template may call: a Python builtin or a Creole helper. Arity is checked at parse time.</summary>
internal sealed record BuiltinFunction(
    string Name,
    int MinArguments,
    int MaxArguments,
    Func<RenderContext, IReadOnlyList<object?>, object?> Invoke)
{
    public bool Accepts(int count) => count >= MinArguments && count <= MaxArguments;

    public string ArityMessage(int given) => Arity.Message(Name, MinArguments, MaxArguments, given);
}
