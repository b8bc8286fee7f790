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
}
