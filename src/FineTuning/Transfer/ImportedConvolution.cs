using System.Globalization;
using Pretrain.Pretraining;

namespace Pretrain.FineTuning.Transfer;

/// <summary>
/// How one imported convolutional block slides, which its kernels <c>[C', C, k, k]</c> do not say: PyTorch's
/// <c>nn.Conv2d</c> stride and padding, and the max-pooling window after its activation (1: none). The defaults are
/// PyTorch's: stride 1, no padding, no pooling.
/// </summary>
/// <param name="Stride">Step between kernel positions.</param>
/// <param name="Padding">Zeros added on each side.</param>
/// <param name="PoolSize">Max-pooling window and step after the activation; 1 for none.</param>
public sealed record ImportedConvolution(int Stride = 1, int Padding = 0, int PoolSize = 1)
{
    /// <summary>
    /// Parses <c>stride=S,padding=P,pool=K</c> (any of the three, in any order; the others keep their defaults), as
    /// <c>pretrain import --conv</c> takes it; anything else is a <see cref="PretrainException"/>.
    /// </summary>
    public static ImportedConvolution Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var block = new ImportedConvolution();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var pair = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pair.Length != 2 || !int.TryParse(pair[1], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                throw Malformed(text);
            block = pair[0] switch
            {
                "stride" when value > 0 => block with { Stride = value },
                "padding" => block with { Padding = value },
                "pool" when value > 0 => block with { PoolSize = value },
                _ => throw Malformed(text),
            };
        }
        return block;
    }

    private static PretrainException Malformed(string text) =>
        new($"--conv: expected stride=S,padding=P,pool=K (any of them; stride and pool positive), received '{text}'.");
}
