using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Tasks;

/// <summary>
/// The normalized-temperature cross-entropy of SimCLR (Chen et al., 2020), InfoNCE over a batch: rows i and i+N of
/// the 2N projections are two views of one instance ("same"); each row must pick its partner out of the 2N-1 other rows
/// ("different") by cosine similarity divided by the temperature.
/// </summary>
public static class NtXentLoss
{
    /// <summary>The mean loss over the 2N rows of <paramref name="projections"/> [2N, D].</summary>
    public static Tensor Compute(Tensor projections, double temperature)
    {
        var (logits, partners) = Logits(projections, temperature);
        return nn.functional.cross_entropy(logits, partners);
    }

    /// <summary>How many of the 2N rows find their partner as their most similar other row.</summary>
    public static long Matched(Tensor projections, double temperature)
    {
        var (logits, partners) = Logits(projections, temperature);
        return logits.argmax(1).eq(partners).sum().item<long>();
    }

    /// <summary>Similarity logits [2N, 2N] with each row's own entry masked out, and each row's partner index.</summary>
    private static (Tensor Logits, Tensor Partners) Logits(Tensor projections, double temperature)
    {
        ArgumentNullException.ThrowIfNull(projections);
        if (!(temperature > 0))
            throw new ArgumentException($"NT-Xent loss: the temperature must be positive, received {temperature}.");
        var rows = projections.shape[0];
        if (rows < 4 || rows % 2 != 0)
            throw new ArgumentException($"NT-Xent loss: expected two views of at least 2 instances ([2N, D]), received {rows} rows.");
        var n = rows / 2;
        var z = nn.functional.normalize(projections, p: 2, dim: 1);
        var self = eye(rows, dtype: ScalarType.Bool, device: projections.device);
        var logits = z.matmul(z.t()).div(temperature).masked_fill(self, double.NegativeInfinity);
        var partners = arange(rows, device: projections.device).add(n).remainder(rows);
        return (logits, partners);
    }
}
