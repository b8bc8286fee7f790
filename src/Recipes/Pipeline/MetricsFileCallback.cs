using System.Globalization;
using Pretrain.Pretraining.Runtime;

namespace Pretrain.Recipes.Pipeline;

/// <summary>
/// Appends each epoch's metrics to the run folder's <c>metrics.jsonl</c> (one JSON object per epoch) and
/// <c>metrics.csv</c> (one row per metric: stage, epoch, metric, value, seconds) as it happens, and to TensorBoard event
/// files in <c>tensorboard/</c>.
/// </summary>
internal sealed class MetricsFileCallback(RunFolder folder) : ITrainingCallback
{
    private readonly TensorBoardCallback _tensorBoard = new(folder);

    public void OnEpochEnd(EpochReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        _tensorBoard.OnEpochEnd(report);
        var line = new Dictionary<string, object> { ["stage"] = report.Stage, ["epoch"] = report.Epoch, ["seconds"] = report.Seconds };
        foreach (var (name, value) in report.Metrics)
            line[name] = value;
        folder.AppendMetrics(line);

        var csv = folder.File("metrics.csv");
        if (!File.Exists(csv))
            Pretraining.IO.AtomicFile.AppendLine(csv, "stage,epoch,metric,value,seconds");
        foreach (var (name, value) in report.Metrics)
            Pretraining.IO.AtomicFile.AppendLine(csv, string.Join(',', Quote(report.Stage), report.Epoch.ToString(CultureInfo.InvariantCulture), Quote(name),
                value.ToString("R", CultureInfo.InvariantCulture), report.Seconds.ToString("F3", CultureInfo.InvariantCulture)));
    }

    private static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\n']) < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
