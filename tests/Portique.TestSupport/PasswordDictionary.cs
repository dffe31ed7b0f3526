using Portique.Core;

namespace Portique.TestSupport;

/// <summary>
/// Gives a test root the shipped dictionaries (as Portique's own folder) plus an administrator's dictionary declaring
/// <c>password</c> variables, as an EOLE admin adds one to hand a password to a service (docs/secrets.md).
/// </summary>
public static class PasswordDictionary
{
    /// <summary>Installs it under <paramref name="root"/>; <paramref name="shipped"/> is the build's <c>share</c> folder.</summary>
    public static void Install(PortiqueRoot root, string shipped, params string[] passwords)
    {
        ArgumentNullException.ThrowIfNull(root);
        foreach (var folder in new[] { "dicos", "distrib" })
        {
            var target = root.Resolve("/usr/share/portique/" + folder);
            Directory.CreateDirectory(target);
            foreach (var file in Directory.EnumerateFiles(Path.Join(shipped, folder)))
            {
                File.Copy(file, Path.Join(target, Path.GetFileName(file)), overwrite: true);
            }
        }

        Directory.CreateDirectory(root.DictionariesDirectory);
        var variables = string.Concat(passwords.Select(p => $"<variable name='{p}' type='password' description=\"Mot de passe {p}\"/>"));
        File.WriteAllText(Path.Join(root.DictionariesDirectory, "90_secrets.xml"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <creole>
                <variables>
                    <family name='secrets'>{variables}</family>
                </variables>
            </creole>
            """);
    }
}
