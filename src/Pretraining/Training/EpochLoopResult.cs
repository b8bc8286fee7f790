using Pretrain.Pretraining.Runtime;

namespace Pretrain.Pretraining.Training;

/// <summary>What an <see cref="EpochLoop"/> run did.</summary>
/// <param name="Epochs">Every epoch's report, in order (those before a resume included).</param>
/// <param name="BestEpoch">The epoch whose weights the model holds at the end (the last one when none was restored).</param>
/// <param name="BestValue">The monitored metric at <see cref="BestEpoch"/>, or null when none was monitored or measured.</param>
/// <param name="StoppedEarly">True when training ended before the epoch budget (patience or a callback's request).</param>
/// <param name="StopReason">Why it stopped early, or null.</param>
public sealed record EpochLoopResult(IReadOnlyList<EpochReport> Epochs, int BestEpoch, double? BestValue, bool StoppedEarly, string? StopReason)
{
    /// <summary>The last epoch's metrics (empty when no epoch ran).</summary>
    public IReadOnlyDictionary<string, double> LastMetrics => Epochs.Count == 0 ? new Dictionary<string, double>() : Epochs[^1].Metrics;
}
