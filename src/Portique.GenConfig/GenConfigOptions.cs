using Portique.Core;

namespace Portique.GenConfig;

/// <summary>How <c>portique genconfig</c> is served.</summary>
public sealed record GenConfigOptions
{
    /// <summary>Where genconfig listens when <c>--listen</c> is not given: the loopback only.</summary>
    public const string DefaultListen = "127.0.0.1:7900";

    /// <summary>The Portique root whose configuration is edited.</summary>
    public required PortiqueRoot Root { get; init; }

    /// <summary>The shipped dictionaries and templates; null: next to the executable.</summary>
    public string? ShippedDirectory { get; init; }

    /// <summary><c>ADDR:PORT</c> (port 0: any free port; <see cref="GenConfigServer.Build"/>'s caller reads it back).</summary>
    public string Listen { get; init; } = DefaultListen;

    /// <summary>Serve https with the frontend's certificate (<c>frontal_certificat</c>/<c>frontal_cle</c>, else the self-signed pair).</summary>
    public bool Https { get; init; }

    /// <summary>Replaces the real engines (tests): null builds <see cref="PortiqueBackend"/> on <see cref="Root"/>.</summary>
    public Func<GenConfigOptions, IGenConfigBackend>? Backend { get; init; }

    /// <summary>The clock of the login lockout (tests move it).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Called with the addresses actually listened on, once the server accepts connections.</summary>
    public Action<IReadOnlyList<string>>? Started { get; init; }

    /// <summary>
    /// The host names (<c>Host</c> header) genconfig answers to; null: the listen address, plus <c>localhost</c> on the
    /// loopback (any name when listening on every address: redirects are relative, the Host header is never reflected).
    /// </summary>
    public IReadOnlyList<string>? AllowedHosts { get; init; }

    /// <summary><see cref="AllowedHosts"/>, or its default from <see cref="Listen"/>.</summary>
    public IReadOnlyList<string> EffectiveAllowedHosts
    {
        get
        {
            if (AllowedHosts is { Count: > 0 } hosts)
            {
                return hosts;
            }

            var endpoint = GenConfigServer.ParseListen(Listen);
            if (endpoint.Address.Equals(System.Net.IPAddress.Any) || endpoint.Address.Equals(System.Net.IPAddress.IPv6Any))
            {
                return ["*"];
            }

            var address = endpoint.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{endpoint.Address}]" : endpoint.Address.ToString();
            return System.Net.IPAddress.IsLoopback(endpoint.Address) ? [address, "localhost"] : [address];
        }
    }

    /// <summary>Where the password hash lives: <c>ROOT/etc/portique/genconfig.passwd</c>.</summary>
    public string PasswordFile => Root.Resolve(PasswordStore.SystemPath);

    /// <summary>The keys that sign cookies and anti-forgery tokens: <c>ROOT/var/lib/portique/genconfig-keys</c> (0700).</summary>
    public string KeysDirectory => Path.Join(Root.StateDirectory, "genconfig-keys");
}
