using System.Text.Json.Nodes;

namespace Pretrain.Benchmarks.Tests;

/// <summary>The report of benchmarks/compare.sh: loops matched by name, medians over runs, ratios and shares of the peak.</summary>
public sealed class ComparisonTableTests
{
    private static JsonNode PretrainRun(double peak, double dae, double daeBf16, double ranking) => JsonNode.Parse($$"""
        {
          "matmulPeakGflops": {{peak}}, "matmulPeakGflopsBFloat16": {{4 * peak}},
          "loops": [
            { "name": "a_dae_784_500", "precision": "float32", "flopsPerSample": 1e6, "samplesPerSecond": {{dae}} },
            { "name": "a_dae_784_500", "precision": "bfloat16", "flopsPerSample": 1e6, "samplesPerSecond": {{daeBf16}} },
            { "name": "g_aux_ranking_text", "precision": "float32", "flopsPerSample": 2e5, "samplesPerSecond": {{ranking}} }
          ]
        }
        """)!;

    private static JsonNode BaselineRun(double dae) => JsonNode.Parse($$"""
        { "rows": { "e_mm_2048": { "gflops": 120 }, "a_dae_784_500": { "samples_per_s": {{dae}} }, "b_rbm_cd1_784_500": { "samples_per_s": 1 } } }
        """)!;

    [Fact]
    public void Peaks_far_apart_are_reported_and_near_ones_are_not()
    {
        var far = new ComparisonTable([PretrainRun(600, 30000, 60000, 5000)], [BaselineRun(25000)]);
        far.UnevenPeaks.Should().Contain("20%").And.Contain("BLAS");

        var near = new ComparisonTable([PretrainRun(150, 30000, 60000, 5000)], [BaselineRun(25000)]);
        near.UnevenPeaks.Should().BeNull("120 against 150 GFLOP/s is within 1.5x");

        new ComparisonTable([PretrainRun(600, 30000, 60000, 5000)], []).UnevenPeaks.Should().BeNull("no baseline ran");
    }

    [Fact]
    public void Loops_are_matched_by_name_and_compared_with_the_median_float32_baseline()
    {
        var table = new ComparisonTable(
            [PretrainRun(100, 30000, 60000, 5000), PretrainRun(80, 10000, 50000, 7000), PretrainRun(120, 20000, 40000, 6000)],
            [BaselineRun(25000), BaselineRun(15000), BaselineRun(20000)]);

        table.PeakGflops.Should().Be(100);
        table.BaselinePeakGflops.Should().Be(120);
        var dae = table.Loops.Single(l => l is { Name: "a_dae_784_500", Precision: "float32" });
        dae.Pretrain.Should().Be(20000);
        dae.Baseline.Should().Be(20000);
        dae.Ratio.Should().BeApproximately(1.0, 1e-12);
        dae.PretrainGflops.Should().BeApproximately(20, 1e-9);
        dae.PeakShare.Should().BeApproximately(0.2, 1e-12);
        dae.BaselinePeakShare.Should().BeApproximately(0.2, 1e-12);
        var bf16 = table.Loops.Single(l => l is { Name: "a_dae_784_500", Precision: "bfloat16" });
        bf16.Ratio.Should().BeApproximately(2.5, 1e-12, "bfloat16 is compared with PyTorch's float32 figure");
        bf16.PeakShare.Should().BeApproximately(50.0 / 400, 1e-12, "against the bfloat16 peak");
        dae.PairedRatios.Should().Equal([30000.0 / 25000, 10000.0 / 15000, 20000.0 / 20000], "run i of each program is alternation i");
        table.ToMarkdown().Should().Contain("| 1.00x | 1.20, 0.67, 1.00 |");
    }

    [Fact]
    public void A_loop_only_some_runs_timed_is_reported_from_those_runs_without_alternation_ratios()
    {
        // The bfloat16 speed check runs in every Pretrain run; near its threshold one run times bfloat16 and the next skips it.
        var skipped = JsonNode.Parse("""
            {
              "matmulPeakGflops": 100, "matmulPeakGflopsBFloat16": null, "bfloat16Skipped": "bfloat16 peak and loops skipped",
              "loops": [ { "name": "a_dae_784_500", "precision": "float32", "flopsPerSample": 1e6, "samplesPerSecond": 10000 } ]
            }
            """)!;
        var table = new ComparisonTable([PretrainRun(100, 30000, 60000, 5000), skipped, skipped], [BaselineRun(25000), BaselineRun(25000), BaselineRun(25000)]);

        var bf16 = table.Loops.Single(l => l is { Name: "a_dae_784_500", Precision: "bfloat16" });
        bf16.Runs.Should().Be(1);
        bf16.Pretrain.Should().Be(60000);
        bf16.PairedRatios.Should().BeNull("run 1 of the bfloat16 loop is not alternation 1 of three");
        bf16.PeakShare.Should().BeApproximately(60.0 / 400, 1e-12, "against the bfloat16 peak of the run that measured it");
        var dae = table.Loops.Single(l => l is { Name: "a_dae_784_500", Precision: "float32" });
        dae.Runs.Should().Be(3);
        dae.PairedRatios.Should().HaveCount(3);
        table.PartialLoops.Should().Contain("a_dae_784_500 bfloat16 (1)").And.Contain("g_aux_ranking_text float32 (1)").And.NotContain("a_dae_784_500 float32");
        new ComparisonTable([PretrainRun(100, 30000, 60000, 5000)], []).PartialLoops.Should().BeNull();
    }

    [Fact]
    public void Runs_of_unequal_count_cannot_be_paired_and_give_no_alternation_ratios()
    {
        var table = new ComparisonTable([PretrainRun(100, 30000, 60000, 5000), PretrainRun(100, 20000, 60000, 5000)], [BaselineRun(25000)]);

        var dae = table.Loops.Single(l => l is { Name: "a_dae_784_500", Precision: "float32" });
        dae.Ratio.Should().BeApproximately(1.0, 1e-12);
        dae.PairedRatios.Should().BeNull();
    }

    [Fact]
    public void A_loop_the_baseline_lacks_and_a_run_without_baseline_give_null_ratios()
    {
        var withBaseline = new ComparisonTable([PretrainRun(100, 20000, 50000, 6000)], [BaselineRun(20000)]);
        withBaseline.Loops.Single(l => l.Name == "g_aux_ranking_text").Ratio.Should().BeNull();

        var alone = new ComparisonTable([PretrainRun(100, 20000, 50000, 6000)], []);
        alone.Loops.Should().OnlyContain(l => l.Baseline == null && l.Ratio == null && l.BaselinePeakShare == null);
        alone.BaselinePeakGflops.Should().BeNull();
        alone.ToMarkdown().Should().Contain("| a_dae_784_500 | float32 | 20,000 | - | - | - | 20.0 | 20% | - |");
    }

    [Fact]
    public void A_run_that_skipped_bfloat16_reports_float32_loops_and_says_why()
    {
        var skipped = JsonNode.Parse("""
            {
              "matmulPeakGflops": 100, "matmulPeakGflopsBFloat16": null,
              "bfloat16Skipped": "bfloat16 loops skipped: a bfloat16 matrix product takes 50x as long as a float32 one on this machine",
              "loops": [ { "name": "a_dae_784_500", "precision": "float32", "flopsPerSample": 1e6, "samplesPerSecond": 20000 } ]
            }
            """)!;

        var table = new ComparisonTable([skipped], [BaselineRun(20000)]);

        table.PeakGflopsBFloat16.Should().BeNull();
        table.BFloat16Skipped.Should().Contain("takes 50x as long");
        table.Loops.Should().ContainSingle().Which.Ratio.Should().BeApproximately(1.0, 1e-12);
    }

    [Fact]
    public void Median_of_an_even_count_is_the_mean_of_the_middle_two() =>
        ComparisonTable.Median([4, 1, 3, 2]).Should().Be(2.5);

    [Fact]
    public void A_result_file_without_the_expected_fields_is_refused_with_a_message_naming_the_field()
    {
        var act = () => new ComparisonTable([JsonNode.Parse("""{ "loops": [] }""")!], []);
        act.Should().Throw<InvalidDataException>().WithMessage("*matmulPeakGflops*");
    }
}
