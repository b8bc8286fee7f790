namespace Pretrain.Pretraining.Runtime;

/// <summary>
/// Observes training (progress bars, metric files, plots) without the trainer knowing about them. Every trainer in
/// Pretrain (layer pretraining, fine-tuning, auxiliary tasks) reports through it. Events come in this order:
/// <see cref="OnFitStart"/>, then per epoch <see cref="OnBatchEnd"/> for every batch and <see cref="OnEpochEnd(EpochReport, Training.TrainingControl)"/>,
/// then <see cref="OnFitEnd"/>. All members have empty defaults.
/// </summary>
public interface ITrainingCallback
{
    /// <summary>A stage starts: at most <paramref name="epochs"/> epochs of <paramref name="batchesPerEpoch"/> batches.</summary>
    void OnFitStart(string stage, int epochs, int batchesPerEpoch) { }

    /// <summary>A batch finished (1-based <paramref name="batch"/> within 1-based <paramref name="epoch"/>).</summary>
    void OnBatchEnd(int epoch, int batch) { }

    /// <summary>An epoch finished, with its metrics.</summary>
    void OnEpochEnd(EpochReport report) { }

    /// <summary>
    /// An epoch finished; <paramref name="control"/> lets the callback end training after it (a time budget, a target
    /// reached) without throwing. The loop calls this overload; by default it forwards to <see cref="OnEpochEnd(EpochReport)"/>.
    /// </summary>
    void OnEpochEnd(EpochReport report, Training.TrainingControl control) => OnEpochEnd(report);

    /// <summary>The stage ended normally (early stopping included).</summary>
    void OnFitEnd(string stage) { }
}

/// <summary>What one epoch of any trainer measured.</summary>
/// <param name="Stage">The stage, e.g. <c>fine-tune</c> or <c>layer 2 (rbm)</c>.</param>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="Metrics">Named values, e.g. <c>trainLoss</c>, <c>validationAccuracy</c>, <c>reconstructionError</c>.</param>
/// <param name="Seconds">Wall-clock seconds the epoch took, evaluation included.</param>
public sealed record EpochReport(string Stage, int Epoch, IReadOnlyDictionary<string, double> Metrics, double Seconds);
