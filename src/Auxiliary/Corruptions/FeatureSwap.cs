using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Corruptions;

/// <summary>
/// Tabular corruption: replaces a fixed fraction of each row's features with the values of another random row, so
/// every value stays within its column's real distribution and only the combination is wrong.
/// </summary>
public sealed class FeatureSwap : ICorruption
{
    /// <summary>Creates the corruption.</summary>
    public FeatureSwap(double fraction)
    {
        if (!(fraction > 0 && fraction <= 1))
            throw new ArgumentException($"feature swap: the fraction of features to replace must be in (0, 1], received {fraction}.");
        Fraction = fraction;
    }

    /// <summary>Fraction of a row's features that are replaced (at least one).</summary>
    public double Fraction { get; }

    /// <summary>The number of features replaced in a row of <paramref name="features"/> features.</summary>
    public int CountFor(long features) => (int)Math.Clamp(Math.Round(Fraction * features), 1, features);

    /// <inheritdoc />
    public Tensor Corrupt(Tensor batch, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.dim() != 2)
            throw new ArgumentException($"feature swap: expected rows of features [N, F], received shape [{string.Join(", ", batch.shape)}].");
        using var scope = NewDisposeScope();
        var (rows, features) = (batch.shape[0], batch.shape[1]);
        var chosen = DonorRows.Uniform([rows, features], generator, batch.device).topk(CountFor(features), dim: 1).indexes;
        var mask = zeros([rows, features], ScalarType.Bool, batch.device).scatter_(1, chosen, ones_like(chosen, ScalarType.Bool));
        var donors = DonorRows.Draw(rows, generator, batch.device, "feature swap");
        return where(mask, batch.index_select(0, donors), batch).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public string Describe() => $"feature swap {Fraction:P0}";
}
