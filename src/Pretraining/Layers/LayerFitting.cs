using System.Text.Json;
using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Training;

namespace Pretrain.Pretraining.Layers;

/// <summary>
/// What the layer trainers share around the <see cref="EpochLoop"/>: early stopping on a validation metric where lower
/// is better, the best epoch restored, and the final metrics a <see cref="PretrainedLayer"/> records.
/// </summary>
internal static class LayerFitting
{
    /// <summary>
    /// Runs <paramref name="body"/> and returns the last epoch's metrics; when <paramref name="monitored"/> was measured
    /// they hold the best epoch's value of it and that epoch as <c>bestEpoch</c> (whose weights the layer keeps).
    /// </summary>
    public static Dictionary<string, double> Run(IEpochBody body, string stage, int epochs, int? patience, string monitored, RunContext context,
        int batchesPerEpoch, ITrainingCallback? callback)
    {
        var loop = new EpochLoop(new EpochLoopSettings
        {
            Stage = stage, Epochs = epochs, Monitor = MonitoredMetric.Lowest(monitored), Patience = patience,
        });
        var result = loop.Run(body, context, batchesPerEpoch, callback);
        var metrics = result.LastMetrics.ToDictionary(m => m.Key, m => m.Value);
        if (result.BestValue is double best)
        {
            metrics[monitored] = best;
            metrics["bestEpoch"] = result.BestEpoch;
        }
        return metrics;
    }

    /// <summary>The settings a layer checkpoint must match: the method, its options and the input width.</summary>
    public static string Fingerprint(string kind, LayerOptions options, long inputWidth) =>
        $"{kind} on {inputWidth} inputs: {JsonSerializer.Serialize(options, options.GetType())}";
}
