using System.Globalization;
using System.Text;

namespace Portique.Configuration;

/// <summary>EOLE's name normalisations.</summary>
internal static class EoleNames
{
    /// <summary>
    /// Creole's <c>normalize_family</c>: dashes and spaces become <c>_</c>, accents are dropped, letters are lower-cased
    /// (<c>Réseau avancé</c> → <c>reseau_avance</c>). Two families with the same normalised name are one family, and
    /// a condition or help may name a family either way.
    /// </summary>
    public static string NormalizeFamily(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var decomposed = name.Replace('-', '_').Normalize(NormalizationForm.FormKD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var character in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(character) != UnicodeCategory.NonSpacingMark)
            {
                builder.Append(character == ' ' ? '_' : char.ToLowerInvariant(character));
            }
        }

        return builder.ToString();
    }
}
