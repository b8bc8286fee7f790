using Pretrain.Pretraining.Runtime;

namespace Pretrain.FineTuning.Training;

/// <summary>What one epoch of supervised training measured.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="TrainLoss">Mean cross-entropy over the epoch's training batches.</param>
/// <param name="ValidationLoss">Mean cross-entropy on validation data, or null without validation data.</param>
/// <param name="ValidationAccuracy">Fraction of validation examples classified correctly, or null.</param>
/// <param name="Seconds">Wall-clock seconds the epoch took, evaluation included.</param>
public sealed record EpochMetrics(int Epoch, double TrainLoss, double? ValidationLoss, double? ValidationAccuracy, double Seconds)
{
    /// <summary>The supervised metrics of an epoch report (<c>trainLoss</c>, <c>validationLoss</c>, <c>validationAccuracy</c>).</summary>
    public static EpochMetrics From(EpochReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        double? Optional(string name) => report.Metrics.TryGetValue(name, out var value) ? value : null;
        return new EpochMetrics(report.Epoch, report.Metrics["trainLoss"], Optional("validationLoss"), Optional("validationAccuracy"), report.Seconds);
    }

    /// <summary>The metrics as a <see cref="EpochReport"/> for callbacks (absent values are left out).</summary>
    public EpochReport ToReport(string stage)
    {
        var metrics = new Dictionary<string, double> { ["trainLoss"] = TrainLoss };
        if (ValidationLoss is double loss)
            metrics["validationLoss"] = loss;
        if (ValidationAccuracy is double accuracy)
            metrics["validationAccuracy"] = accuracy;
        return new EpochReport(stage, Epoch, metrics, Seconds);
    }
}

/// <summary>The outcome of <see cref="SupervisedTrainer.Fit"/>.</summary>
/// <param name="Epochs">Metrics of every epoch run, in order.</param>
/// <param name="BestEpoch">The epoch whose weights the model holds at the end.</param>
/// <param name="StoppedEarly">True when early stopping ended training before the epoch budget.</param>
public sealed record TrainingHistory(IReadOnlyList<EpochMetrics> Epochs, int BestEpoch, bool StoppedEarly);
