using System.Text.RegularExpressions;

namespace Pretrain.FineTuning.Transfer;

/// <summary>
/// Maps tensor names of a foreign weight file onto parameter names of a Pretrain network. <see cref="Source"/> is a
/// regular expression matched against the whole foreign name; <see cref="Target"/> is the replacement, with
/// <c>$1</c>-style groups (e.g. <c>dense_(\d+)/kernel</c> -> <c>hidden$1.weight</c>).
/// </summary>
/// <param name="Source">Regular expression for foreign names.</param>
/// <param name="Target">Replacement giving the Pretrain parameter name.</param>
/// <param name="Layout">How the foreign file stores 2-D weights; <see cref="WeightLayout.InOut"/> ones are transposed.</param>
public sealed record NameMapping(string Source, string Target, WeightLayout Layout = WeightLayout.OutIn)
{
    /// <summary>The identity mapping for files that already use Pretrain's names and PyTorch's layout.</summary>
    public static NameMapping Identity { get; } = new("(.*)", "$1");

    /// <summary>
    /// The Pretrain name of <paramref name="foreignName"/> under the first of <paramref name="mappings"/> whose source
    /// matches the whole name, with that mapping in <paramref name="rule"/>; null (and no rule) when none matches.
    /// </summary>
    public static string? Apply(IReadOnlyList<NameMapping> mappings, string foreignName, out NameMapping? rule)
    {
        ArgumentNullException.ThrowIfNull(mappings);
        ArgumentNullException.ThrowIfNull(foreignName);
        foreach (var mapping in mappings)
        {
            var pattern = new Regex($"^(?:{mapping.Source})$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            if (!pattern.IsMatch(foreignName))
                continue;
            rule = mapping;
            return pattern.Replace(foreignName, mapping.Target);
        }
        rule = null;
        return null;
    }
}
