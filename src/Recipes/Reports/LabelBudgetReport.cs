using System.Globalization;
using Pretrain.Pretraining.IO;
using Pretrain.Pretraining.Runtime;
using Pretrain.Recipes.Pipeline;

namespace Pretrain.Recipes.Reports;

/// <summary>
/// The curve people look at to decide whether pretraining is worth it: test accuracy against labelled documents per
/// category, for the pretrained, scratch and bag-of-words classifiers (<c>label-budgets.csv</c> and <c>label-budgets.png</c>).
/// </summary>
internal static class LabelBudgetReport
{
    public static void Write(RunFolder folder, IReadOnlyList<LabelBudgetResult> budgets, RunContext context)
    {
        var lines = budgets.Select(b => string.Join(',', new[] { b.LabelsPerClass, b.Pretrained, b.Scratch, b.BagOfWords }
            .Select(v => Convert.ToString(v, CultureInfo.InvariantCulture))));
        AtomicFile.WriteAllText(folder.File("label-budgets.csv"), "labelsPerClass,pretrained,scratch,bagOfWords\n" + string.Join("\n", lines) + "\n");
        Pictures.TryDraw(context.Logger, "the label-budget curve", () =>
        {
            var plot = new ScottPlot.Plot();
            var x = budgets.Select(b => (double)b.LabelsPerClass).ToArray();
            foreach (var (name, values) in new[]
                     {
                         ("pretrained", budgets.Select(b => b.Pretrained)), ("scratch", budgets.Select(b => b.Scratch)), ("bag of words", budgets.Select(b => b.BagOfWords)),
                     })
                plot.Add.Scatter(x, values.ToArray()).LegendText = name;
            plot.Title("Test accuracy against labels");
            plot.XLabel("labelled documents per category");
            plot.YLabel("test accuracy");
            plot.ShowLegend();
            var temp = folder.File(".label-budgets.tmp.png");
            plot.SavePng(temp, 800, 500);
            File.Move(temp, folder.File("label-budgets.png"), overwrite: true);
        });
    }
}
