using System.Globalization;
using Portique.Core;

namespace Portique.Configuration;

/// <summary>An IPv4 address of an interface of the host, with its netmask.</summary>
/// <param name="Address">The dotted address.</param>
/// <param name="Netmask">The dotted netmask.</param>
public sealed record HostAddress(string Address, string Netmask);

/// <summary>What EOLE reads from the server itself: interface addresses and the default gateway (host-reading fills), whether it is instantiated.</summary>
public interface IEoleHost
{
    /// <summary>
    /// The server has been through its first <c>instance</c>: EOLE's marker <c>/etc/eole/.instance</c> exists.
    /// <c>auto_frozen_if_in</c> freezes its targets only then.
    /// </summary>
    bool IsInstantiated { get; }

    /// <summary>A <c>KEY=value</c> of EOLE's <c>/etc/eole/release</c> (<c>EOLE_MODULE</c>, <c>EOLE_VERSION</c>, <c>EOLE_RELEASE</c>), or null.</summary>
    string? Release(string key);

    /// <summary>The first IPv4 address of <paramref name="interfaceName"/>, or null.</summary>
    HostAddress? Address(string interfaceName);

    /// <summary>The IPv4 default gateway, or null.</summary>
    string? DefaultGateway();
}

/// <summary>
/// The server under the root. Its network state is read from the kernel's text files under the root: <c>/proc/net/route</c> (each
/// interface's networks and the default gateway) and <c>/proc/net/fib_trie</c> (the local addresses). Only these two
/// files are read, never a command run; a missing or unreadable file, or a line that does not parse, gives no value
/// (the fill then gives none and the stored value or default applies, as when EOLE finds no address).
/// </summary>
public sealed class EoleHost : IEoleHost
{
    private const uint GatewayFlag = 0x2;
    private const int MaxBytes = 4 * 1024 * 1024;

    // ReadLines reads at most MaxBytes of a file: a huge or endless file (a FIFO, /dev/zero linked there) cannot exhaust Portique.
    private readonly PortiqueRoot _root;
    private readonly Lazy<(IReadOnlyList<(string Interface, uint Destination, uint Gateway, uint Flags, uint Mask)> Routes, IReadOnlyList<uint> Locals)> _state;

    /// <param name="root">The root the kernel files are read under (<c>/</c> on a server).</param>
    public EoleHost(PortiqueRoot root)
    {
        ArgumentNullException.ThrowIfNull(root);
        this._root = root;
        _state = new(() => (ReadRoutes(root.Resolve("/proc/net/route")), ReadLocals(root.Resolve("/proc/net/fib_trie"))));
    }

    /// <summary>EOLE's instance marker, written by EOLE's <c>instance</c>.</summary>
    public const string InstanceMarker = "/etc/eole/.instance";

    /// <inheritdoc/>
    public bool IsInstantiated => _instantiated ??= File.Exists(_root.Resolve(InstanceMarker));

    private bool? _instantiated;

    /// <summary>EOLE's release file: <c>EOLE_MODULE=amon</c>, <c>EOLE_VERSION=2.6</c>, <c>EOLE_RELEASE=2.6.2</c>...</summary>
    public const string ReleaseFile = "/etc/eole/release";

    /// <inheritdoc/>
    public string? Release(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        foreach (var raw in ReadLines(_root.Resolve(ReleaseFile)))
        {
            var line = raw.Trim();
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && line[..equals].Trim() == key)
            {
                var value = line[(equals + 1)..].Trim();
                return value.Length >= 2 && value[0] is '"' or '\'' && value[^1] == value[0] ? value[1..^1] : value;
            }
        }

        return null;
    }

    /// <inheritdoc/>
    public HostAddress? Address(string interfaceName)
    {
        ArgumentNullException.ThrowIfNull(interfaceName);
        var (routes, locals) = _state.Value;
        foreach (var route in routes.Where(r => r.Interface == interfaceName && (r.Flags & GatewayFlag) == 0 && r.Mask != 0))
        {
            foreach (var local in locals)
            {
                if ((local & route.Mask) == route.Destination)
                {
                    return new HostAddress(EoleFillFunctions.FormatIpv4(local), EoleFillFunctions.FormatIpv4(route.Mask));
                }
            }
        }

        return null;
    }

    /// <inheritdoc/>
    public string? DefaultGateway()
    {
        var route = _state.Value.Routes.FirstOrDefault(r => r.Destination == 0 && r.Mask == 0 && (r.Flags & GatewayFlag) != 0);
        return route.Interface is null ? null : EoleFillFunctions.FormatIpv4(route.Gateway);
    }

    private static string[] ReadLines(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return [];
            }

            using var reader = new StreamReader(path);
            var buffer = new char[MaxBytes];
            var read = reader.ReadBlock(buffer, 0, buffer.Length);
            return new string(buffer, 0, read).Split('\n');
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary><c>Iface Destination Gateway Flags RefCnt Use Metric Mask ...</c>, addresses in the kernel's (little-endian) hexadecimal.</summary>
    private static List<(string, uint, uint, uint, uint)> ReadRoutes(string path)
    {
        var routes = new List<(string, uint, uint, uint, uint)>();
        foreach (var line in ReadLines(path).Skip(1))
        {
            var fields = line.Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 8
                && uint.TryParse(fields[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var destination)
                && uint.TryParse(fields[2], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var gateway)
                && uint.TryParse(fields[3], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var flags)
                && uint.TryParse(fields[7], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var mask))
            {
                routes.Add((fields[0], Swap(destination), Swap(gateway), flags, Swap(mask)));
            }
        }

        return routes;
    }

    private static uint Swap(uint kernel) => System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(kernel);

    /// <summary>The addresses fib_trie lists as <c>/32 host LOCAL</c>, loopback excepted, in file order, each once.</summary>
    private static List<uint> ReadLocals(string path)
    {
        var locals = new List<uint>();
        string? previous = null;
        foreach (var raw in ReadLines(path))
        {
            var line = raw.Trim();
            if (line.StartsWith("/32 host LOCAL", StringComparison.Ordinal) && previous is not null
                && VariableTypes.TryParseIpv4(previous, out var address) && address >> 24 != 127 && !locals.Contains(address))
            {
                locals.Add(address);
            }

            previous = line.StartsWith("|-- ", StringComparison.Ordinal) ? line[4..] : null;
        }

        return locals;
    }
}
