using Pretrain.Recipes.Pipeline;

namespace Pretrain.Recipes.Tests.Pipeline;

public sealed class SeedSummaryTests
{
    private static RunResult Text(double test, params (int Labels, double Pretrained, double Scratch, double BagOfWords)[] budgets) =>
        new("run", 1)
        {
            TestAccuracy = test, ScratchTestAccuracy = test - 0.1, BagOfWordsTestAccuracy = test - 0.05,
            LabelBudgets = budgets.Select(b => new LabelBudgetResult(b.Labels, b.Pretrained, b.Scratch, b.BagOfWords)).ToList(),
        };

    [Fact]
    public void Text_runs_with_label_budgets_report_every_arm_at_every_budget_over_the_seeds()
    {
        var summary = SeedSummary.Of([(0, Text(0.6, (20, 0.5, 0.4, 0.42), (100, 0.6, 0.5, 0.55))), (1, Text(0.7, (20, 0.7, 0.4, 0.44), (100, 0.7, 0.6, 0.57)))]);

        var byName = summary.Metrics.ToDictionary(m => m.Metric);
        byName.Keys.Should().Contain(["testAccuracy", "scratchTestAccuracy", "bagOfWordsTestAccuracy",
            "labelBudgets[20].pretrained", "labelBudgets[20].scratch", "labelBudgets[20].bagOfWords", "labelBudgets[100].pretrained"]);
        byName["labelBudgets[20].pretrained"].Mean.Should().BeApproximately(0.6, 1e-12);
        byName["labelBudgets[20].pretrained"].StandardDeviation.Should().BeApproximately(Math.Sqrt(0.02), 1e-12);
        byName["labelBudgets[100].bagOfWords"].Values.Should().Equal(0.55, 0.57);
    }

    [Fact]
    public void A_budget_missing_from_one_seed_is_left_out_rather_than_averaged_over_fewer_seeds()
    {
        var summary = SeedSummary.Of([(0, Text(0.6, (20, 0.5, 0.4, 0.42))), (1, Text(0.7))]);

        summary.Metrics.Select(m => m.Metric).Should().NotContain(m => m.StartsWith("labelBudgets", StringComparison.Ordinal));
    }
}
