using Pretrain.Pretraining.Runtime;

namespace Pretrain.Host.Pipeline;

/// <summary>Appends each epoch's metrics to the run folder's <c>metrics.jsonl</c> as it happens.</summary>
internal sealed class MetricsFileCallback(RunFolder folder) : ITrainingCallback
{
    public void OnEpochEnd(EpochReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var line = new Dictionary<string, object> { ["stage"] = report.Stage, ["epoch"] = report.Epoch, ["seconds"] = report.Seconds };
        foreach (var (name, value) in report.Metrics)
            line[name] = value;
        folder.AppendMetrics(line);
    }
}
