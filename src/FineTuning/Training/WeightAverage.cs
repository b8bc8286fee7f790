using Pretrain.Pretraining.Training;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Training;

/// <summary>
/// An exponential moving average of a network's weights over its optimizer steps (Polyak averaging, the network
/// FixMatch and mean teacher evaluate): after every step each floating-point weight and buffer of the average moves
/// <c>1 − decay</c> of the way to the network's. Between epochs the network holds the average, so validation, the best
/// epoch the loop keeps, checkpoints and the trained network are all the average; the weights the optimizer trains are
/// put aside meanwhile and put back before the next epoch trains. Owns its copies.
/// </summary>
internal sealed class WeightAverage : IDisposable
{
    private const string TrainedPrefix = "trained.";
    private readonly IReadOnlyDictionary<string, Tensor> _network;
    private readonly Dictionary<string, Tensor> _average;
    private readonly Dictionary<string, Tensor> _trained;
    private readonly double _decay;

    /// <param name="network">The network's weights and buffers by name (its state dictionary, written in place).</param>
    /// <param name="decay">The share of the average kept at every step, in (0, 1).</param>
    public WeightAverage(IReadOnlyDictionary<string, Tensor> network, double decay)
    {
        if (!(decay > 0 && decay < 1))
            throw new ArgumentOutOfRangeException(nameof(decay), decay, "expected a decay in (0, 1).");
        (_network, _decay) = (network, decay);
        using var _ = no_grad();
        _average = network.ToDictionary(w => w.Key, w => w.Value.detach().clone().DetachFromDisposeScope());
        _trained = network.ToDictionary(w => w.Key, w => w.Value.detach().clone().DetachFromDisposeScope());
    }

    /// <summary>Moves the average toward the network's current weights; call after every optimizer step.</summary>
    public void Update()
    {
        using var _ = no_grad();
        foreach (var (name, average) in _average)
        {
            var current = _network[name];
            if (average.is_floating_point())
                average.lerp_(current, 1 - _decay);
            else
                average.copy_(current);
        }
    }

    /// <summary>Puts the trained weights back into the network, before an epoch trains.</summary>
    public void ResumeTraining() => Copy(_trained, _network);

    /// <summary>Puts the trained weights aside and the average into the network, after an epoch trained.</summary>
    public void ShowAverage()
    {
        Copy(_network, _trained);
        Copy(_average, _network);
    }

    /// <summary>Adds the trained weights to a checkpoint; the average is the network's, which the loop saves.</summary>
    public void Save(TrainingState state)
    {
        foreach (var (name, trained) in _trained)
            state.Add(TrainedPrefix + name, trained);
    }

    /// <summary>Restores what <see cref="Save"/> saved, once the loop has loaded the network (the average) from the checkpoint.</summary>
    public void Load(TrainingState state)
    {
        foreach (var (name, trained) in _trained)
            state.CopyInto(TrainedPrefix + name, trained);
        Copy(_network, _average);
    }

    private static void Copy(IReadOnlyDictionary<string, Tensor> from, IReadOnlyDictionary<string, Tensor> to)
    {
        using var _ = no_grad();
        foreach (var (name, source) in from)
            to[name].copy_(source);
    }

    public void Dispose()
    {
        foreach (var tensor in _average.Values.Concat(_trained.Values))
            tensor.Dispose();
    }
}
