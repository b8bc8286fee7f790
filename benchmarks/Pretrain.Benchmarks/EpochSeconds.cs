using Pretrain.Pretraining.Runtime;

namespace Pretrain.Benchmarks;

/// <summary>
/// Keeps the wall-clock seconds of the last epoch a trainer reported, so a loop can time its epoch without the one-off
/// work around it (building a cache of frozen-layer outputs), as the baseline times its cached head epoch.
/// </summary>
internal sealed class EpochSeconds : ITrainingCallback
{
    public double? Last { get; private set; }

    public void OnEpochEnd(EpochReport report) => Last = report.Seconds;
}
