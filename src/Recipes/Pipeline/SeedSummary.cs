using System.Globalization;

namespace Pretrain.Recipes.Pipeline;

/// <summary>Mean, sample standard deviation, minimum and maximum of one metric over seeds.</summary>
/// <param name="Metric">The metric's name in result.json.</param>
/// <param name="Values">One value per seed, in seed order.</param>
public sealed record MetricSpread(string Metric, IReadOnlyList<double> Values)
{
    /// <summary>The mean.</summary>
    public double Mean => Values.Average();

    /// <summary>The sample standard deviation (0 for one seed).</summary>
    public double StandardDeviation => Values.Count < 2 ? 0 : Math.Sqrt(Values.Sum(v => (v - Mean) * (v - Mean)) / (Values.Count - 1));

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Metric}: {Mean:F4} ± {StandardDeviation:F4} (min {Values.Min():F4}, max {Values.Max():F4}, {Values.Count} seeds)");
}

/// <summary>The same recipe run with several seeds: each run's folder and the spread of every reported accuracy.</summary>
/// <param name="Seeds">The seeds, in the order run.</param>
/// <param name="RunFolders">Each seed's run folder.</param>
/// <param name="Metrics">The spread of each metric every run reported.</param>
public sealed record SeedSummary(IReadOnlyList<int> Seeds, IReadOnlyList<string> RunFolders, IReadOnlyList<MetricSpread> Metrics)
{
    /// <summary>
    /// Summarizes <paramref name="runs"/>: every accuracy, and for text runs with label budgets each arm at each budget
    /// (<c>labelBudgets[20].pretrained</c>, <c>.scratch</c>, <c>.bagOfWords</c>).
    /// </summary>
    public static SeedSummary Of(IReadOnlyList<(int Seed, RunResult Result)> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var budgets = runs.Count == 0 ? [] : runs[0].Result.LabelBudgets?.Select(b => b.LabelsPerClass).ToList() ?? [];
        double? Budget(RunResult r, int labels, Func<LabelBudgetResult, double> arm) =>
            r.LabelBudgets?.FirstOrDefault(b => b.LabelsPerClass == labels) is { } budget ? arm(budget) : null;
        var extractors = new (string Name, Func<RunResult, double?> Value)[]
        {
            ("testAccuracy", r => r.TestAccuracy),
            ("scratchTestAccuracy", r => r.ScratchTestAccuracy),
            ("consistencyTestAccuracy", r => r.ConsistencyTestAccuracy),
            ("scratchConsistencyTestAccuracy", r => r.ScratchConsistencyTestAccuracy),
            ("distilledTestAccuracy", r => r.DistilledTestAccuracy),
            ("scratchDistilledTestAccuracy", r => r.ScratchDistilledTestAccuracy),
            ("probe.pretrainedFeatures", r => r.Probe?.PretrainedFeatures),
            ("probe.rawInputs", r => r.Probe?.RawInputs),
            ("auxiliaryScore", r => r.AuxiliaryScore),
            ("bagOfWordsTestAccuracy", r => r.BagOfWordsTestAccuracy),
        }.Concat(budgets.SelectMany(labels => new (string Name, Func<RunResult, double?> Value)[]
        {
            ($"labelBudgets[{labels}].pretrained", r => Budget(r, labels, b => b.Pretrained)),
            ($"labelBudgets[{labels}].scratch", r => Budget(r, labels, b => b.Scratch)),
            ($"labelBudgets[{labels}].bagOfWords", r => Budget(r, labels, b => b.BagOfWords)),
        }));
        var metrics = extractors
            .Select(e => (e.Name, Values: runs.Select(r => e.Value(r.Result)).ToList()))
            .Where(m => m.Values.All(v => v is not null))
            .Select(m => new MetricSpread(m.Name, m.Values.Select(v => v!.Value).ToList()))
            .ToList();
        return new SeedSummary(runs.Select(r => r.Seed).ToList(), runs.Select(r => r.Result.RunFolder).ToList(), metrics);
    }
}
