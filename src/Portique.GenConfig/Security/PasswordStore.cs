using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Portique.Core;

namespace Portique.GenConfig;

/// <summary>
/// genconfig's one local administrator password: a salted PBKDF2-SHA256 hash in <c>ROOT/etc/portique/genconfig.passwd</c>
/// (mode 0600), one line <c>pbkdf2-sha256$ITERATIONS$SALT$HASH</c> (base64). The password itself is never stored nor logged.
/// </summary>
public sealed class PasswordStore
{
    /// <summary>The file's path on a system root.</summary>
    public const string SystemPath = "/etc/portique/genconfig.passwd";

    /// <summary>The account name shown in the interface.</summary>
    public const string UserName = "admin";

    /// <summary>OWASP's 2023 figure for PBKDF2-HMAC-SHA256.</summary>
    public const int Iterations = 210_000;

    /// <summary>Shorter passwords are refused by <see cref="Set"/>.</summary>
    public const int MinimumLength = 8;

    private const string Scheme = "pbkdf2-sha256";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public PasswordStore(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = path;
    }

    public string Path { get; }

    public static PasswordStore ForRoot(PortiqueRoot root)
    {
        ArgumentNullException.ThrowIfNull(root);
        return new PasswordStore(root.Resolve(SystemPath));
    }

    public bool Exists => File.Exists(Path);

    /// <summary>Hashes <paramref name="password"/> with a new salt and replaces the file atomically, mode 0600.</summary>
    /// <exception cref="InvalidInputException">The password is too short or spans several lines.</exception>
    public void Set(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (password.Length < MinimumLength)
        {
            throw new InvalidInputException("genconfig", Ui.FormatPasswordTooShort(MinimumLength));
        }

        if (password.Contains('\n', StringComparison.Ordinal) || password.Contains('\r', StringComparison.Ordinal))
        {
            throw new InvalidInputException("genconfig", Ui.PasswordOneLine);
        }

        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA256, HashBytes);
        var line = string.Join('$', Scheme, Iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt), Convert.ToBase64String(hash)) + "\n";

        AtomicFile.Write(Path, Encoding.ASCII.GetBytes(line), FileMode);
    }

    /// <summary>True when <paramref name="password"/> matches the stored hash (compared in constant time); false when none is stored.</summary>
    public bool Verify(string? password)
    {
        if (string.IsNullOrEmpty(password) || Read() is not { } stored)
        {
            return false;
        }

        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), stored.Salt, stored.Iterations, HashAlgorithmName.SHA256, stored.Hash.Length);
        return CryptographicOperations.FixedTimeEquals(actual, stored.Hash);
    }

    /// <summary>
    /// A short fingerprint of the stored hash, carried by the session cookie: setting a new password changes it,
    /// which ends every open session. Null when no password is stored.
    /// </summary>
    public string? Stamp()
    {
        try
        {
            var bytes = File.ReadAllBytes(Path);
            return Convert.ToHexStringLower(SHA256.HashData(bytes))[..16];
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private (int Iterations, byte[] Salt, byte[] Hash)? Read()
    {
        string text;
        try
        {
            text = File.ReadAllText(Path).Trim();
        }
        catch (IOException)
        {
            return null;
        }

        var parts = text.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations < 1)
        {
            return null;
        }

        try
        {
            var salt = Convert.FromBase64String(parts[2]);
            var hash = Convert.FromBase64String(parts[3]);
            return hash.Length == 0 ? null : (iterations, salt, hash);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
