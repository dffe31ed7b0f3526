namespace Portique.Configuration;

/// <summary>
/// Hand-written part of the generated accessor of <c>Resources/Messages.resx</c> (French, the neutral language) and
/// <c>Resources/Messages.en.resx</c> (English): values typed by users go through <see cref="Shown"/> before they reach a message.
/// </summary>
internal static partial class Messages
{
    private const int MaxShownLength = 120;

    /// <summary>A user value made safe to print on one line of a terminal or a web page: control characters escaped, texts cut after <paramref name="maxLength"/> characters.</summary>
    internal static string Shown(string value, int maxLength = MaxShownLength)
    {
        var builder = new System.Text.StringBuilder(Math.Min(value.Length, Math.Min(maxLength, 4096)) + 8);
        foreach (var character in value)
        {
            if (builder.Length >= maxLength)
            {
                builder.Append('…');
                break;
            }

            builder.Append(character switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(character) => $"\\u{(int)character:x4}",
                _ => character.ToString(),
            });
        }

        return builder.ToString();
    }
}
