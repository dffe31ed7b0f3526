namespace Portique.Templating.Runtime;

/// <summary>A method of a value type (<c>'a'.upper()</c>), with the argument counts it accepts.</summary>
internal sealed record ValueMethod<T>(int MinArguments, int MaxArguments, Func<T, IReadOnlyList<object?>, object?> Invoke);
