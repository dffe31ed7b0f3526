using System.Net;
using System.Text.RegularExpressions;
using Portique.Core;
using Portique.Planning;

namespace Portique.Technologies.Lxc;

/// <summary>
/// Every value that reaches a path, a command argument or a configuration file is checked here first, even when the
/// configuration layer already validated it: the driver never trusts its caller with the host.
/// </summary>
internal static partial class Validation
{
    public static void ServiceName(string? name)
    {
        if (name is null || !ServiceNamePattern().IsMatch(name))
        {
            throw new InvalidInputException(name ?? "", Messages.FormatInvalidServiceName(name));
        }
    }

    public static bool IsServiceName(string name) => ServiceNamePattern().IsMatch(name);

    /// <summary>
    /// The service name a container directory stands for (<c>web</c>, <c>web.portique-aside</c>, or <c>web.portique-next</c>
    /// for an instance started beside the one holding the name), or null.
    /// </summary>
    public static (string Name, bool IsAside, bool IsNext)? ParseDirectoryName(string directoryName)
    {
        ArgumentNullException.ThrowIfNull(directoryName);
        var aside = ServiceLifecycle.IsAsideName(directoryName, out var name);
        var next = !aside && ServiceLifecycle.IsNextName(directoryName, out name);
        return IsServiceName(name) ? (name, aside, next) : null;
    }

    /// <summary><c>[registry/]image:tag</c> from validated parts (the same image the docker technology runs).</summary>
    public static string ImageReference(string url, string tag, string repository)
    {
        if (!ImageNamePattern().IsMatch(url))
        {
            throw new InvalidInputException(url, Messages.FormatInvalidImageName(url));
        }

        var effectiveTag = string.IsNullOrEmpty(tag) ? "latest" : tag;
        if (!ImageTagPattern().IsMatch(effectiveTag))
        {
            throw new InvalidInputException(tag, Messages.FormatInvalidImageTag(tag));
        }

        var registry = repository.TrimEnd('/');
        if (registry.Length > 0 && !RegistryPattern().IsMatch(registry))
        {
            throw new InvalidInputException(repository, Messages.FormatInvalidRegistry(repository));
        }

        return (registry.Length > 0 ? registry + "/" : "") + url + ":" + effectiveTag;
    }

    /// <summary>The registry host part of a reference made by <see cref="ImageReference"/>, or null for Docker Hub.</summary>
    public static string? RegistryOf(string repository)
    {
        var registry = repository.TrimEnd('/');
        return registry.Length > 0 && RegistryPattern().IsMatch(registry) ? registry : null;
    }

    /// <summary>True for a registry on the loopback interface, which docker (and so Portique) reaches over plain HTTP.</summary>
    public static bool IsLoopbackRegistry(string registry)
    {
        var host = registry;
        var colon = host.LastIndexOf(':');
        if (colon > 0 && !host.EndsWith(']'))
        {
            host = host[..colon];
        }

        return host == "localhost" || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
    }

    public static bool IsRegistry(string registry) => RegistryPattern().IsMatch(registry);

    /// <summary>The address published ports listen on: an IP address literal.</summary>
    public static IPAddress PublishAddress(string address) =>
        IPAddress.TryParse(address, out var parsed)
            ? parsed
            : throw new InvalidInputException(address, Messages.FormatInvalidPublishAddress(address));

    public static void Port(int port, string service)
    {
        if (port is < 1 or > 65535)
        {
            throw new InvalidInputException(service, Messages.FormatInvalidPort(port, service));
        }
    }

    /// <summary>An absolute, normalised host or container path without control characters.</summary>
    public static string AbsolutePath(string path, string service)
    {
        if (string.IsNullOrEmpty(path) || !path.StartsWith('/') || path.Any(char.IsControl)
            || path.Split('/').Any(part => part is ".." or ".") || path != path.Trim())
        {
            throw new InvalidInputException(service, Messages.FormatInvalidPath(path, service));
        }

        return path.Length > 1 ? path.TrimEnd('/') : path;
    }

    /// <summary>
    /// A value written into an lxc configuration line: one line, no control character, no surrounding whitespace
    /// (lxc trims it, so the container would get a different value than configured).
    /// </summary>
    public static string ConfigValue(string value, string what)
    {
        if (value.Any(char.IsControl) || value != value.Trim())
        {
            throw new InvalidInputException(what, Messages.FormatInvalidConfigValue(what));
        }

        return value;
    }

    /// <summary>A path nginx and skopeo/umoci can take as is: no whitespace, quote, colon, semicolon or brace.</summary>
    public static string SafeStatePath(string path)
    {
        if (!SafePathPattern().IsMatch(path))
        {
            throw new RuntimeFailureException(Messages.FormatUnsafeStatePath(path));
        }

        return path;
    }

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex ServiceNamePattern();

    [GeneratedRegex(@"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex ImageNamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}\z", RegexOptions.CultureInvariant)]
    private static partial Regex ImageTagPattern();

    [GeneratedRegex(@"^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?\z", RegexOptions.CultureInvariant)]
    private static partial Regex RegistryPattern();

    [GeneratedRegex(@"^/[A-Za-z0-9/._+@-]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex SafePathPattern();
}
