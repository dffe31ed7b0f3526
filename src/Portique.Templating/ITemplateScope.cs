namespace Portique.Templating;

/// <summary>
/// The configuration variables a template can read with <c>%%name</c>. Values are <see cref="string"/>,
/// <see cref="long"/>, <see cref="bool"/>, <see langword="null"/>, an <see cref="IReadOnlyList{T}"/> of values
/// (a multi variable) or, for a master variable, an <see cref="IReadOnlyList{T}"/> of <see cref="CreoleRow"/>.
/// </summary>
public interface ITemplateScope
{
    bool TryGetVariable(string name, out object? value);
}
