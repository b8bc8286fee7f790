using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Corruptions;

/// <summary>Replaces each pixel, with probability <see cref="Fraction"/>, by a uniform random value in [low, high).</summary>
public sealed class PixelNoise : ICorruption
{
    /// <summary>Creates the corruption.</summary>
    public PixelNoise(double fraction, double low = 0, double high = 1)
    {
        if (!(fraction > 0 && fraction <= 1))
            throw new ArgumentException($"pixel noise: the fraction of pixels to replace must be in (0, 1], received {fraction}.");
        if (!(high > low))
            throw new ArgumentException($"pixel noise: the noise range must have high > low, received [{low}, {high}).");
        Fraction = fraction;
        Low = low;
        High = high;
    }

    /// <summary>Probability that a pixel is replaced.</summary>
    public double Fraction { get; }

    /// <summary>Lower end of the noise values.</summary>
    public double Low { get; }

    /// <summary>Upper end (exclusive) of the noise values.</summary>
    public double High { get; }

    /// <inheritdoc />
    public Tensor Corrupt(Tensor batch, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = NewDisposeScope();
        var shape = batch.shape;
        var mask = DonorRows.Uniform(shape, generator, batch.device) < Fraction;
        var noise = (DonorRows.Uniform(shape, generator, batch.device) * (High - Low) + Low).to(batch.dtype);
        return where(mask, noise, batch).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public string Describe() => $"pixel noise {Fraction:P0} uniform [{Low}, {High})";
}
