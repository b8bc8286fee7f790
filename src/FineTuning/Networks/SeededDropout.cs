using Pretrain.Pretraining.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Networks;

/// <summary>
/// Inverted dropout (zero each input with probability <see cref="Probability"/> while training, scale the rest by
/// 1/(1-p)) whose masks come from its own generator rather than libtorch's global one, so a run's masks depend only on
/// its seed: two runs in one process do not steal each other's draws, and a checkpoint can save the generator's state
/// to resume with the very same masks. Masks are drawn on the CPU and moved to the input's device.
/// </summary>
public sealed class SeededDropout : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates dropout with probability <paramref name="probability"/> whose generator is seeded from <paramref name="seedSource"/>.</summary>
    public SeededDropout(double probability, Generator seedSource) : base(nameof(SeededDropout))
    {
        ArgumentNullException.ThrowIfNull(seedSource);
        if (probability is < 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(probability), $"dropout: expected a probability in [0, 1), received {probability}.");
        Probability = probability;
        using var seed = randint(0, long.MaxValue, [1], ScalarType.Int64, generator: seedSource);
        Generator = new Generator((ulong)seed.item<long>());
    }

    /// <summary>The probability of zeroing an input.</summary>
    public double Probability { get; }

    /// <summary>The generator the masks are drawn from (its state belongs in checkpoints).</summary>
    public Generator Generator { get; }

    /// <summary>The dropout modules of <paramref name="model"/>, in module order (the order checkpoints use).</summary>
    public static IReadOnlyList<SeededDropout> In(nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.modules().OfType<SeededDropout>().ToList();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!training || Probability == 0)
            return input.alias();
        using var scope = NewDisposeScope();
        return Apply(input, Probability, Generator).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Inverted dropout of <paramref name="input"/> with masks drawn on the CPU from <paramref name="generator"/>: for
    /// callers that keep their own generator rather than a module (the document classifier's pooled features).
    /// </summary>
    public static Tensor Apply(Tensor input, double probability, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(generator);
        var keep = (UniformDraws.Sample(input.shape, generator) < 1 - probability).to(input.dtype).to(input.device);
        return input * keep / (1 - probability);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
            Generator.Dispose();
        base.Dispose(disposing);
    }
}
