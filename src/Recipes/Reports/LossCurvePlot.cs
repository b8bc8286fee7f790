using Pretrain.Pretraining.Runtime;

namespace Pretrain.Recipes.Reports;

/// <summary>Draws a stage's per-epoch metrics as a PNG line chart (one line per metric whose name ends in Loss, Error or Reconstruction).</summary>
internal static class LossCurvePlot
{
    public static void Write(string path, string title, IReadOnlyList<EpochReport> epochs, Func<string, bool>? include = null)
    {
        if (epochs.Count == 0)
            return;
        var plot = new ScottPlot.Plot();
        include ??= IsLoss;
        var names = epochs.SelectMany(e => e.Metrics.Keys).Distinct().Where(include).ToList();
        if (names.Count == 0)
            return;
        foreach (var name in names)
        {
            var points = epochs.Where(e => e.Metrics.ContainsKey(name)).ToList();
            var line = plot.Add.Scatter(points.Select(e => (double)e.Epoch).ToArray(), points.Select(e => e.Metrics[name]).ToArray());
            line.LegendText = name;
        }
        plot.Title(title);
        plot.XLabel("epoch");
        plot.ShowLegend();
        var temp = path + ".tmp.png";
        plot.SavePng(temp, 800, 500);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>The auxiliary task's loss curve, <c>auxiliary-loss.png</c> (auxiliary image and text pretraining alike).</summary>
    public static void WriteAuxiliary(Pipeline.RunFolder folder, Pipeline.HistoryCallback history)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(history);
        // One picture per task: auxiliary-loss.png for the first, auxiliary-loss-2.png and on for a sequence's next ones.
        foreach (var (stage, i) in history.Stages.Select((stage, i) => (stage, i)))
            Write(folder.File(i == 0 ? "auxiliary-loss.png" : $"auxiliary-loss-{i + 1}.png"), stage, history.Of(stage));
    }

    /// <summary>Loss-like metrics: names ending in Loss, Error or Reconstruction.</summary>
    public static bool IsLoss(string name) =>
        name.EndsWith("Loss", StringComparison.OrdinalIgnoreCase) || name.EndsWith("Error", StringComparison.OrdinalIgnoreCase)
        || name.EndsWith("Reconstruction", StringComparison.OrdinalIgnoreCase);

    /// <summary>Accuracy-like metrics: names ending in Accuracy, or rates of correct decisions.</summary>
    public static bool IsAccuracy(string name) =>
        name.EndsWith("Accuracy", StringComparison.OrdinalIgnoreCase) || name.StartsWith("correct", StringComparison.OrdinalIgnoreCase);
}
