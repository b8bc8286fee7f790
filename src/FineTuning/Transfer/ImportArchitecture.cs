using System.Text.RegularExpressions;
using Pretrain.FineTuning.Networks;
using Pretrain.Pretraining;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Transfer;

/// <summary>
/// Works out the MLP a set of mapped tensors describes: <c>hidden1.weight</c> .. <c>hiddenK.weight</c> and
/// <c>head.weight</c> (<c>[out, in]</c>) give the widths, any <c>bnN.*</c> tensor means batch normalization. The
/// activation is not in a weight file and comes from the caller.
/// </summary>
internal static partial class ImportArchitecture
{
    public static MlpSpec Infer(string file, IReadOnlyDictionary<string, Tensor> mapped, ActivationKind activation, double? activationAlpha)
    {
        var hidden = mapped.Keys.Select(k => HiddenWeight().Match(k)).Where(m => m.Success)
            .Select(m => int.TryParse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : -1).Order().ToList();
        if (!mapped.TryGetValue("head.weight", out var head))
            throw new PretrainException($"{file}: no tensor maps to head.weight, so the output layer is unknown; mapped names are {Names(mapped)}. Map the last linear layer's weight to head.weight.");
        for (var i = 0; i < hidden.Count; i++)
        {
            if (hidden[i] != i + 1)
                throw new PretrainException($"{file}: hidden layers must be numbered hidden1, hidden2, ... without gaps; the mapped names give {string.Join(", ", hidden.Select(h => $"hidden{h}"))}.");
        }
        var weights = hidden.Select(h => ($"hidden{h}.weight", mapped[$"hidden{h}.weight"])).Append(("head.weight", head)).ToList();
        foreach (var (name, weight) in weights)
        {
            if (weight.dim() != 2 || weight.shape.Any(d => d <= 0 || d > int.MaxValue))
                throw new PretrainException($"{file}: {name} must be a 2-D [out, in] matrix, received [{string.Join(", ", weight.shape)}].");
        }
        for (var i = 1; i < weights.Count; i++)
        {
            var (below, lower) = weights[i - 1];
            var (name, upper) = weights[i];
            if (upper.shape[1] != lower.shape[0])
                throw new PretrainException($"{file}: {name} takes {upper.shape[1]} inputs but {below} gives {lower.shape[0]} outputs ([{string.Join(", ", upper.shape)}] after [{string.Join(", ", lower.shape)}], both [out, in]); check the mappings' layout.");
        }
        if (head.shape[0] < 2)
            throw new PretrainException($"{file}: head.weight has {head.shape[0]} output; a classifier needs at least 2 classes.");
        return new MlpSpec((int)weights[0].Item2.shape[1], weights.SkipLast(1).Select(w => (int)w.Item2.shape[0]).ToArray(), (int)head.shape[0], activation)
        {
            ActivationAlpha = activationAlpha,
            BatchNorm = mapped.Keys.Any(k => k.StartsWith("bn", StringComparison.Ordinal)),
        };
    }

    private static string Names(IReadOnlyDictionary<string, Tensor> mapped) =>
        mapped.Count == 0 ? "none" : string.Join(", ", mapped.Keys.Order(StringComparer.Ordinal));

    [GeneratedRegex(@"^hidden(\d+)\.weight$")]
    private static partial Regex HiddenWeight();
}
