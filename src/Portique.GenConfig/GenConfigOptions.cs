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

    /// <summary>Where the password hash lives: <c>ROOT/etc/portique/genconfig.passwd</c>.</summary>
    public string PasswordFile => Root.Resolve(PasswordStore.SystemPath);

    /// <summary>The keys that sign cookies and anti-forgery tokens: <c>ROOT/var/lib/portique/genconfig-keys</c> (0700).</summary>
    public string KeysDirectory => Path.Join(Root.StateDirectory, "genconfig-keys");
}
