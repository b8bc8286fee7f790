using Pretrain.Pretraining.Runtime;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Layers.Autoencoders;

/// <summary>Input corruptions of denoising autoencoders. Each returns a new tensor; the input is unchanged.</summary>
public static class Corruption
{
    /// <summary>Applies <paramref name="kind"/> at <paramref name="level"/> with random numbers from <paramref name="generator"/>.</summary>
    public static Tensor Apply(NoiseKind kind, double level, Tensor input, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(input);
        return kind switch
        {
            NoiseKind.None => input.alias(),
            NoiseKind.Masking => Masking(input, level, generator),
            NoiseKind.Gaussian => Gaussian(input, level, generator),
            NoiseKind.SaltAndPepper => SaltAndPepper(input, level, generator),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown noise"),
        };
    }

    /// <summary>Each value is set to 0 with probability <paramref name="fraction"/>.</summary>
    public static Tensor Masking(Tensor input, double fraction, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var keep = UniformDraws.Sample(input.shape, generator, input.device) >= fraction;
        return input * keep;
    }

    /// <summary>Adds N(0, sigma^2) noise to every value.</summary>
    public static Tensor Gaussian(Tensor input, double sigma, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var noise = randn(input.shape, generator: generator, device: input.device);
        return input + noise * sigma;
    }

    /// <summary>Each value is, with probability <paramref name="fraction"/>, replaced by 0 or 1 (equally likely).</summary>
    public static Tensor SaltAndPepper(Tensor input, double fraction, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = NewDisposeScope();
        var hit = UniformDraws.Sample(input.shape, generator, input.device) < fraction;
        var salt = (UniformDraws.Sample(input.shape, generator, input.device) < 0.5).to(input.dtype);
        return where(hit, salt, input).MoveToOuterDisposeScope();
    }
}
