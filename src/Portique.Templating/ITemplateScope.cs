namespace Portique.Templating;

/// <summary>
/// The configuration variables a template can read with <c>%%name</c>. Values are <see cref="string"/>,
/// <see cref="long"/>, <see cref="bool"/>, <see langword="null"/>, an <see cref="IReadOnlyList{T}"/> of values
/// (a multi variable) or, for a master variable, an <see cref="IReadOnlyList{T}"/> of <see cref="CreoleRow"/>.
/// </summary>
public interface ITemplateScope
{
    bool TryGetVariable(string name, out object? value);

    /// <summary>EOLE's <c>is_file(path)</c>: whether the managed system has that file. By default, none.</summary>
    bool FileExists(string path) => false;

    /// <summary><c>%include</c>: the text of another template of the templates folder. By default, unavailable.</summary>
    IncludeResult TryReadInclude(string name, out string text)
    {
        text = "";
        return IncludeResult.Unavailable;
    }
}

/// <summary>What <see cref="ITemplateScope.TryReadInclude"/> found.</summary>
public enum IncludeResult
{
    /// <summary>The template's text.</summary>
    Found,

    /// <summary>No such template in the folder.</summary>
    Missing,

    /// <summary>A path outside the templates folder: refused.</summary>
    Outside,

    /// <summary>This scope renders no folder of templates.</summary>
    Unavailable,
}
