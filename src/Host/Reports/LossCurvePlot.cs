using Pretrain.Pretraining.Runtime;

namespace Pretrain.Host.Reports;

/// <summary>Draws a stage's per-epoch metrics as a PNG line chart (one line per metric whose name ends in Loss, Error or Reconstruction).</summary>
internal static class LossCurvePlot
{
    public static void Write(string path, string title, IReadOnlyList<EpochReport> epochs)
    {
        if (epochs.Count == 0)
            return;
        var plot = new ScottPlot.Plot();
        var names = epochs.SelectMany(e => e.Metrics.Keys).Distinct()
            .Where(n => n.EndsWith("Loss", StringComparison.OrdinalIgnoreCase) || n.EndsWith("Error", StringComparison.OrdinalIgnoreCase)
                || n.EndsWith("Reconstruction", StringComparison.OrdinalIgnoreCase))
            .ToList();
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
}
