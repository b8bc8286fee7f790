using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Training;

/// <summary>
/// An <see cref="IEpochBody"/> made of a function for one epoch plus the state a checkpoint needs: the model's weights,
/// its optimizer, its random generators and any other tensors the update rule keeps between batches (momentum
/// buffers, persistent chains). What is not handed over here is not checkpointed.
/// </summary>
/// <param name="weights">The model's tensors by name (snapshotted for the best epoch, saved in checkpoints).</param>
/// <param name="runEpoch">Runs one 1-based epoch, calling the action after every batch; returns the epoch's metrics.</param>
/// <param name="fingerprint">The settings a checkpoint must match to be resumed (e.g. the options as JSON).</param>
public sealed class EpochBody(IReadOnlyDictionary<string, Tensor> weights, Func<int, Action, IReadOnlyDictionary<string, double>> runEpoch, string fingerprint) : IEpochBody
{
    /// <inheritdoc />
    public IReadOnlyDictionary<string, Tensor> Weights { get; } = weights ?? throw new ArgumentNullException(nameof(weights));

    /// <inheritdoc />
    public string Fingerprint { get; } = fingerprint ?? "";

    /// <summary>The optimizer whose state is checkpointed; null for update rules without one.</summary>
    public optim.Optimizer? Optimizer { get; init; }

    /// <summary>The generators whose states are checkpointed (shuffling, noise, sampling), by name.</summary>
    public IReadOnlyDictionary<string, Generator> Generators { get; init; } = new Dictionary<string, Generator>();

    /// <summary>Other tensors the update rule keeps between batches, by name; checkpointed and restored in place.</summary>
    public IReadOnlyDictionary<string, Tensor> State { get; init; } = new Dictionary<string, Tensor>();

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> RunEpoch(int epoch, Action onBatchEnd) => runEpoch(epoch, onBatchEnd);

    /// <inheritdoc />
    public void SaveState(int epoch, TrainingState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (Optimizer is not null)
            state.AddOptimizer("optimizer", Optimizer);
        foreach (var (name, generator) in Generators)
            state.AddGenerator("generator." + name, generator);
        foreach (var (name, tensor) in State)
            state.Add("state." + name, tensor);
    }

    /// <inheritdoc />
    public void LoadState(int epoch, TrainingState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (Optimizer is not null)
            state.LoadOptimizer("optimizer", Optimizer);
        foreach (var (name, generator) in Generators)
            state.LoadGenerator("generator." + name, generator);
        foreach (var (name, tensor) in State)
            state.CopyInto("state." + name, tensor);
    }
}
