using static TorchSharp.torch;

namespace Pretrain.Pretraining.Training;

/// <summary>
/// The trainer's side of an <see cref="EpochLoop"/>: one epoch of its own update rule, the weights the loop snapshots
/// for the best epoch, and the rest of its state (optimizer, random generators) for checkpoints. The loop owns
/// everything between epochs: timing, logging, callbacks, early stopping, restoring the best weights, checkpoints.
/// </summary>
public interface IEpochBody
{
    /// <summary>
    /// The tensors that define the trained model (parameters and buffers, by name). The loop copies them for the best
    /// epoch, copies them back at the end, and saves them in checkpoints; it writes into them in place.
    /// </summary>
    IReadOnlyDictionary<string, Tensor> Weights { get; }

    /// <summary>
    /// Runs 1-based epoch <paramref name="epoch"/>, calling <paramref name="onBatchEnd"/> after every batch and checking
    /// cancellation every batch, and returns the epoch's metrics (with the monitored one when it can be measured).
    /// </summary>
    IReadOnlyDictionary<string, double> RunEpoch(int epoch, Action onBatchEnd);

    /// <summary>
    /// Describes the settings a checkpoint must have been written with to be resumed (architecture, options); a
    /// checkpoint with another description is refused rather than silently mixed in.
    /// </summary>
    string Fingerprint { get; }

    /// <summary>Adds what, besides <see cref="Weights"/>, resuming after <paramref name="epoch"/> needs (optimizer, generators).</summary>
    void SaveState(int epoch, TrainingState state);

    /// <summary>Restores what <see cref="SaveState"/> saved after <paramref name="epoch"/>, before the next epoch runs.</summary>
    void LoadState(int epoch, TrainingState state);
}
