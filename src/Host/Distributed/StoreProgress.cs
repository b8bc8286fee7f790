using System.Text.Json;
using Hangfire.Server;
using Pretrain.Pretraining.Runtime;

namespace Pretrain.Host.Distributed;

/// <summary>
/// Records a running job's stage, epoch and latest metrics with the job in the store, where <c>pretrain status
/// --store</c> reads them from any machine.
/// </summary>
internal sealed class StoreProgress(PerformContext context) : ITrainingCallback
{
    /// <summary>The job parameter holding the progress (JSON: stage, epoch, metrics).</summary>
    public const string Parameter = "progress";

    public void OnFitStart(string stage, int epochs, int batchesPerEpoch) =>
        context.SetJobParameter(Parameter, JsonSerializer.Serialize(new JobProgressRecord(stage, null, null)));

    public void OnEpochEnd(EpochReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var finite = report.Metrics.Where(m => double.IsFinite(m.Value)).ToDictionary(m => m.Key, m => m.Value);
        context.SetJobParameter(Parameter, JsonSerializer.Serialize(new JobProgressRecord(report.Stage, report.Epoch, finite)));
    }
}

/// <summary>A job's progress as stored: its stage, epoch and that epoch's metrics.</summary>
/// <param name="Stage">The training stage.</param>
/// <param name="Epoch">The last finished epoch, or null at the stage's start.</param>
/// <param name="Metrics">That epoch's metrics.</param>
public sealed record JobProgressRecord(string Stage, int? Epoch, IReadOnlyDictionary<string, double>? Metrics);
