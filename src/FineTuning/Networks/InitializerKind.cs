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

/// <summary>Applies an <see cref="InitializerKind"/> to every linear layer of a network.</summary>
public static class Initializers
{
    /// <summary>
    /// Re-initializes the weights of every <see cref="Linear"/> child of <paramref name="model"/> with
    /// <paramref name="kind"/> and gain <paramref name="gain"/> (4 with Glorot uniform is the classic choice for sigmoid
    /// units), drawing from <paramref name="generator"/>, and zeroes the biases.
    /// </summary>
    public static void Apply(nn.Module model, InitializerKind kind, Generator generator, double gain = 1)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (kind == InitializerKind.Default)
            return;
        using var _ = no_grad();
        foreach (var (_, child) in model.named_children())
        {
            if (child is not Linear linear)
                continue;
            var (fanOut, fanIn) = (linear.weight!.shape[0], linear.weight.shape[1]);
            using var values = kind switch
            {
                InitializerKind.GlorotUniform => Uniform(fanOut, fanIn, gain * Math.Sqrt(6.0 / (fanIn + fanOut)), generator),
                InitializerKind.GlorotNormal => randn([fanOut, fanIn], generator: generator) * (gain * Math.Sqrt(2.0 / (fanIn + fanOut))),
                InitializerKind.HeUniform => Uniform(fanOut, fanIn, gain * Math.Sqrt(6.0 / fanIn), generator),
                InitializerKind.HeNormal => randn([fanOut, fanIn], generator: generator) * (gain * Math.Sqrt(2.0 / fanIn)),
                InitializerKind.LeCunNormal => randn([fanOut, fanIn], generator: generator) * (gain * Math.Sqrt(1.0 / fanIn)),
                _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown initializer"),
            };
            linear.weight.copy_(values);
            linear.bias?.zero_();
        }
    }

    /// <summary>
    /// libtorch's <c>nn.Linear</c> initialization (Kaiming uniform with a = sqrt(5): weights and biases uniform in
    /// +-1/sqrt(fan in)) for every <see cref="Linear"/> child, drawn from <paramref name="generator"/> instead of
    /// libtorch's global generator.
    /// </summary>
    public static void ApplyDefault(nn.Module model, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(generator);
        using var _ = no_grad();
        foreach (var (_, child) in model.named_children())
        {
            if (child is not Linear linear)
                continue;
            var (fanOut, fanIn) = (linear.weight!.shape[0], linear.weight.shape[1]);
            var bound = 1 / Math.Sqrt(fanIn);
            using (var weight = Uniform(fanOut, fanIn, bound, generator))
                linear.weight.copy_(weight);
            if (linear.bias is { } bias)
            {
                using var values = empty(fanOut).uniform_(-bound, bound, generator: generator);
                bias.copy_(values);
            }
        }
    }

    private static Tensor Uniform(long rows, long cols, double bound, Generator generator) =>
        empty([rows, cols]).uniform_(-bound, bound, generator: generator);
}
