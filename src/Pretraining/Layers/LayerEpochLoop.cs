using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Pretrain.Pretraining.Runtime;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Layers;

/// <summary>
/// The epoch loop every layer trainer shares: timing, callbacks, per-epoch logging, early stopping on a validation
/// metric (lower is better) with the best epoch's parameters restored at the end. The trainer supplies one epoch of
/// its own update rule and monitoring.
/// </summary>
internal sealed class LayerEpochLoop(string stage, int epochs, int? patience, string monitoredMetric)
{
    /// <summary>
    /// Runs <paramref name="epoch"/> for each epoch (it gets the 1-based epoch and an action to call after every batch,
    /// and returns the epoch's metrics, including <c>monitoredMetric</c> when validation data exists). Returns the final
    /// metrics; with validation they hold the best epoch's value and its number as <c>bestEpoch</c>.
    /// </summary>
    public Dictionary<string, double> Run(RunContext context, int batchesPerEpoch, IReadOnlyDictionary<string, Tensor> parameters,
        Func<int, Action, Dictionary<string, double>> epoch, ITrainingCallback? callback)
    {
        using var stopping = new LayerEarlyStopping(patience);
        callback?.OnFitStart(stage, epochs, batchesPerEpoch);
        var metrics = new Dictionary<string, double>();
        var monitored = false;
        for (var e = 1; e <= epochs; e++)
        {
            var clock = Stopwatch.StartNew();
            var batch = 0;
            var current = e;
            metrics = epoch(e, () => callback?.OnBatchEnd(current, ++batch));
            monitored = metrics.TryGetValue(monitoredMetric, out var value);
            var stop = monitored && stopping.Update(e, value, parameters);
            var report = new EpochReport(stage, e, metrics, clock.Elapsed.TotalSeconds);
            context.Logger.LogInformation("{Stage} epoch {Epoch}/{Epochs} {Metrics} ({Seconds:F1} s)", stage, e, epochs, Describe(metrics), report.Seconds);
            callback?.OnEpochEnd(report);
            if (stop)
            {
                context.Logger.LogInformation("{Stage}: early stop after epoch {Epoch}, best epoch {Best}", stage, e, stopping.BestEpoch);
                break;
            }
        }
        if (monitored)
        {
            stopping.Restore(parameters);
            metrics[monitoredMetric] = stopping.BestValue;
            metrics["bestEpoch"] = stopping.BestEpoch;
        }
        callback?.OnFitEnd(stage);
        return metrics;
    }

    private static string Describe(Dictionary<string, double> metrics) =>
        string.Join(", ", metrics.Select(m => $"{m.Key} {m.Value.ToString("G5", CultureInfo.InvariantCulture)}"));
}
