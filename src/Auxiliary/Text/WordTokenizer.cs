using System.Text.RegularExpressions;

namespace Pretrain.Auxiliary.Text;

/// <summary>
/// Splits text into words: runs of letters and digits, keeping an inner apostrophe (<c>don't</c>, <c>o'clock</c>).
/// Punctuation and whitespace separate words and are dropped.
/// </summary>
public sealed partial class WordTokenizer
{
    /// <summary>Creates a tokenizer.</summary>
    /// <param name="lowercase">Fold words to lower case (invariant culture), so <c>The</c> and <c>the</c> share a vocabulary entry.</param>
    public WordTokenizer(bool lowercase = true) => Lowercase = lowercase;

    /// <summary>Whether words are folded to lower case.</summary>
    public bool Lowercase { get; }

    /// <summary>The words of <paramref name="text"/>, in order.</summary>
    public IReadOnlyList<string> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Word().Matches(text).Select(m => Lowercase ? m.Value.ToLowerInvariant() : m.Value).ToList();
    }

    [GeneratedRegex(@"[\p{L}\p{N}]+(?:'[\p{L}\p{N}]+)*")]
    private static partial Regex Word();
}
