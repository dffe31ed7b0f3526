using Portique.Core;

namespace Portique.GenConfig;

/// <summary>
/// <c>portique genconfig --set-password</c>: reads the password from standard input, never from the command line —
/// twice with echo off on a terminal, one line when piped — and stores its hash.
/// </summary>
public static class PasswordSetup
{
    /// <param name="store">Where the hash goes.</param>
    /// <param name="interactive">Standard input is a terminal: prompt, read twice, compare.</param>
    /// <param name="readLine">Reads one line without echo on a terminal, or one line of the pipe; null at end of input.</param>
    /// <param name="prompt">Where prompts and the confirmation go (standard error, so standard output stays clean).</param>
    /// <exception cref="InvalidInputException">No password, the two entries differ, or the password is refused.</exception>
    public static void Run(PasswordStore store, bool interactive, Func<string?> readLine, TextWriter prompt)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(readLine);
        ArgumentNullException.ThrowIfNull(prompt);
        if (interactive)
        {
            prompt.Write(Ui.PasswordPrompt + " ");
        }

        var password = readLine();
        if (interactive)
        {
            prompt.WriteLine();
        }

        if (string.IsNullOrEmpty(password))
        {
            throw new InvalidInputException("genconfig", Ui.PasswordEmpty);
        }

        if (interactive)
        {
            prompt.Write(Ui.PasswordConfirm + " ");
            var again = readLine();
            prompt.WriteLine();
            if (!string.Equals(password, again, StringComparison.Ordinal))
            {
                throw new InvalidInputException("genconfig", Ui.PasswordMismatch);
            }
        }

        store.Set(password);
        prompt.WriteLine(Ui.FormatPasswordSaved(store.Path));
    }

    /// <summary>Reads a line from the terminal without echoing it.</summary>
    public static string? ReadHiddenLine()
    {
        var buffer = new System.Text.StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            switch (key.Key)
            {
                case ConsoleKey.Enter:
                    return buffer.ToString();
                case ConsoleKey.Backspace:
                    if (buffer.Length > 0)
                    {
                        buffer.Length--;
                    }

                    break;
                default:
                    if (key.Modifiers.HasFlag(ConsoleModifiers.Control) && key.Key is ConsoleKey.D or ConsoleKey.C)
                    {
                        return null;
                    }

                    if (!char.IsControl(key.KeyChar))
                    {
                        buffer.Append(key.KeyChar);
                    }

                    break;
            }
        }
    }
}
