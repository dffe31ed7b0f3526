using System.Text.RegularExpressions;
using Portique.Core;
using Portique.Planning;

namespace Portique.Technologies.Vagrant;

/// <summary>Checks on every value that reaches a path, a command argument or the Vagrantfile, whatever the caller checked.</summary>
internal static partial class Validation
{
    public static void ServiceName(string? name)
    {
        if (name is null || !ServiceNamePattern().IsMatch(name))
        {
            throw new InvalidInputException(name ?? "", Messages.FormatInvalidServiceName(name));
        }
    }

    /// <summary>
    /// The service a folder stands for (<c>web</c>, <c>web.portique-aside</c>, or <c>web.portique-next</c> for a machine
    /// started beside the one holding the name), or null.
    /// </summary>
    public static (string Name, bool IsAside, bool IsNext)? ParseFolderName(string folderName)
    {
        ArgumentNullException.ThrowIfNull(folderName);
        var aside = ServiceLifecycle.IsAsideName(folderName, out var name);
        var next = !aside && ServiceLifecycle.IsNextName(folderName, out name);
        return ServiceNamePattern().IsMatch(name) ? (name, aside, next) : null;
    }

    /// <summary><c>[registry/]image:tag</c>, the image the docker technology would run.</summary>
    public static string ImageReference(string url, string tag, string repository)
    {
        BoxOrImageName(url);
        var effectiveTag = string.IsNullOrEmpty(tag) ? "latest" : tag;
        Tag(effectiveTag);
        var registry = Registry(repository);
        return (registry.Length > 0 ? registry + "/" : "") + url + ":" + effectiveTag;
    }

    public static string BoxOrImageName(string url) =>
        ImageNamePattern().IsMatch(url) ? url : throw new InvalidInputException(url, Messages.FormatInvalidImageName(url));

    public static string Tag(string tag) =>
        TagPattern().IsMatch(tag) ? tag : throw new InvalidInputException(tag, Messages.FormatInvalidTag(tag));

    /// <summary>The registry or box server (<c>host[:port]</c>), without a trailing slash; empty stays empty.</summary>
    public static string Registry(string repository)
    {
        var registry = repository.TrimEnd('/');
        return registry.Length == 0 || RegistryPattern().IsMatch(registry)
            ? registry
            : throw new InvalidInputException(repository, Messages.FormatInvalidRegistry(repository));
    }

    public static bool IsDockerId(string? id) => id is not null && DockerIdPattern().IsMatch(id);

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex ServiceNamePattern();

    [GeneratedRegex(@"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex ImageNamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}\z", RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?\z", RegexOptions.CultureInvariant)]
    private static partial Regex RegistryPattern();

    [GeneratedRegex("^[0-9a-f]{64}$", RegexOptions.CultureInvariant)]
    private static partial Regex DockerIdPattern();
}
