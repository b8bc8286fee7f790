using System.Globalization;
using System.Text;
using Pretrain.FineTuning.Evaluation;

namespace Pretrain.Recipes.Reports;

/// <summary>The confusion matrix of a test evaluation as text (for the log), CSV and a PNG heat map.</summary>
public static class ConfusionMatrixReport
{
    /// <summary>Rows are true classes, columns predicted ones, with per-class recall at the end of each row.</summary>
    public static string ToText(ClassificationReport report)
    {
        var classes = report.Confusion.GetLength(0);
        var text = new StringBuilder();
        text.Append("true\\pred").Append(string.Concat(Enumerable.Range(0, classes).Select(c => c.ToString(CultureInfo.InvariantCulture).PadLeft(7)))).AppendLine("  recall");
        for (var t = 0; t < classes; t++)
        {
            text.Append(t.ToString(CultureInfo.InvariantCulture).PadLeft(9));
            for (var p = 0; p < classes; p++)
                text.Append(report.Confusion[t, p].ToString(CultureInfo.InvariantCulture).PadLeft(7));
            text.Append(report.PerClassAccuracy[t].ToString("P1", CultureInfo.InvariantCulture).PadLeft(8)).AppendLine();
        }
        return text.ToString();
    }

    /// <summary>Writes the counts as CSV (atomically): one row per true class, one column per predicted class.</summary>
    public static void WriteCsv(string path, ClassificationReport report)
    {
        var classes = report.Confusion.GetLength(0);
        var lines = new List<string> { "true," + string.Join(",", Enumerable.Range(0, classes).Select(c => $"pred{c}")) };
        for (var t = 0; t < classes; t++)
            lines.Add(t.ToString(CultureInfo.InvariantCulture) + "," + string.Join(",", Enumerable.Range(0, classes).Select(p => report.Confusion[t, p].ToString(CultureInfo.InvariantCulture))));
        Pretraining.IO.AtomicFile.WriteAllText(path, string.Join("\n", lines) + "\n");
    }

    /// <summary>A heat map of row-normalized counts (each true class sums to 1), with the counts written in the cells.</summary>
    public static void WritePng(string path, ClassificationReport report, string title)
    {
        var classes = report.Confusion.GetLength(0);
        var normalized = new double[classes, classes];
        for (var t = 0; t < classes; t++)
        {
            double row = 0;
            for (var p = 0; p < classes; p++)
                row += report.Confusion[t, p];
            for (var p = 0; p < classes; p++)
                normalized[t, p] = row == 0 ? 0 : report.Confusion[t, p] / row;
        }
        var plot = new ScottPlot.Plot();
        var heatmap = plot.Add.Heatmap(normalized);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        for (var t = 0; t < classes; t++)
        {
            for (var p = 0; p < classes; p++)
            {
                // Heat map cell (row t, column p) is centred at x = p, y = classes - 1 - t.
                var label = plot.Add.Text(report.Confusion[t, p].ToString(CultureInfo.InvariantCulture), p, classes - 1 - t);
                label.LabelFontColor = normalized[t, p] > 0.5 ? ScottPlot.Colors.Black : ScottPlot.Colors.White;
                label.LabelAlignment = ScottPlot.Alignment.MiddleCenter;
            }
        }
        // Integer ticks named by class: true class 0 is the top row.
        var positions = Enumerable.Range(0, classes).Select(i => (double)i).ToArray();
        plot.Axes.Bottom.SetTicks(positions, positions.Select(p => ((int)p).ToString(CultureInfo.InvariantCulture)).ToArray());
        plot.Axes.Left.SetTicks(positions, positions.Select(y => (classes - 1 - (int)y).ToString(CultureInfo.InvariantCulture)).ToArray());
        plot.Axes.SetLimits(-0.5, classes - 0.5, -0.5, classes - 0.5);
        plot.Title(title);
        plot.XLabel("predicted class");
        plot.YLabel("true class");
        var temp = path + ".tmp.png";
        plot.SavePng(temp, 700, 650);
        File.Move(temp, path, overwrite: true);
    }
}
