using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Networks;

/// <summary>Weight initializations a recipe can name (biases start at zero except with <see cref="Default"/>).</summary>
public enum InitializerKind
{
    /// <summary>libtorch's nn.Linear default (Kaiming uniform with a = sqrt(5), uniform bias).</summary>
    Default,
    /// <summary>Glorot/Xavier uniform: U(-g*sqrt(6/(in+out)), +g*sqrt(6/(in+out))).</summary>
    GlorotUniform,
    /// <summary>Glorot/Xavier normal: N(0, g^2 * 2/(in+out)).</summary>
    GlorotNormal,
    /// <summary>He/Kaiming uniform for ReLU: U(-g*sqrt(6/in), +g*sqrt(6/in)).</summary>
    HeUniform,
    /// <summary>He/Kaiming normal for ReLU: N(0, g^2 * 2/in).</summary>
    HeNormal,
    /// <summary>LeCun normal (for SELU): N(0, g^2/in).</summary>
    LeCunNormal,
}

/// <summary>Applies an <see cref="InitializerKind"/> to every linear and convolutional layer of a network.</summary>
public static class Initializers
{
    /// <summary>
    /// Re-initializes the weights of every <see cref="Linear"/> and <see cref="Convolution2d"/> child of <paramref name="model"/> with
    /// <paramref name="kind"/> and gain <paramref name="gain"/> (4 with Glorot uniform is the classic choice for sigmoid
    /// units), drawing from <paramref name="generator"/>, and zeroes the biases.
    /// </summary>
    public static void Apply(nn.Module model, InitializerKind kind, Generator generator, double gain = 1)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (kind == InitializerKind.Default)
            return;
        using var _ = no_grad();
        foreach (var (weight, bias, fanIn, fanOut) in WeightedLayers(model))
        {
            using var values = kind switch
            {
                InitializerKind.GlorotUniform => Uniform(weight.shape, gain * Math.Sqrt(6.0 / (fanIn + fanOut)), generator),
                InitializerKind.GlorotNormal => randn(weight.shape, generator: generator) * (gain * Math.Sqrt(2.0 / (fanIn + fanOut))),
                InitializerKind.HeUniform => Uniform(weight.shape, gain * Math.Sqrt(6.0 / fanIn), generator),
                InitializerKind.HeNormal => randn(weight.shape, generator: generator) * (gain * Math.Sqrt(2.0 / fanIn)),
                InitializerKind.LeCunNormal => randn(weight.shape, generator: generator) * (gain * Math.Sqrt(1.0 / fanIn)),
                _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown initializer"),
            };
            weight.copy_(values);
            bias?.zero_();
        }
    }

    /// <summary>
    /// libtorch's <c>nn.Linear</c> initialization (Kaiming uniform with a = sqrt(5): weights and biases uniform in
    /// +-1/sqrt(fan in), as for <c>nn.Conv2d</c>) for every <see cref="Linear"/> and <see cref="Convolution2d"/> child, drawn from <paramref name="generator"/> instead of
    /// libtorch's global generator.
    /// </summary>
    public static void ApplyDefault(nn.Module model, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(generator);
        using var _ = no_grad();
        foreach (var (weight, bias, fanIn, _) in WeightedLayers(model))
        {
            var bound = 1 / Math.Sqrt(fanIn);
            using (var values = Uniform(weight.shape, bound, generator))
                weight.copy_(values);
            if (bias is not null)
            {
                using var values = empty(bias.shape).uniform_(-bound, bound, generator: generator);
                bias.copy_(values);
            }
        }
    }

    /// <summary>The linear and convolutional children of <paramref name="model"/> with their fan-in and fan-out.</summary>
    private static IEnumerable<(Tensor Weight, Tensor? Bias, long FanIn, long FanOut)> WeightedLayers(nn.Module model)
    {
        foreach (var (_, child) in model.named_children())
        {
            if (child is Linear linear)
                yield return (linear.weight!, linear.bias, linear.weight!.shape[1], linear.weight.shape[0]);
            else if (child is Convolution2d convolution)
                yield return (convolution.Weight, convolution.Bias, convolution.FanIn, convolution.FanOut);
        }
    }

    private static Tensor Uniform(long[] shape, double bound, Generator generator) =>
        empty(shape).uniform_(-bound, bound, generator: generator);
}
