using System.Text.Json.Nodes;

namespace Pretrain.Benchmarks.Tests;

/// <summary>The rows of benchmarks/extra_loops_torch.py joined to the baseline run of the same alternation.</summary>
public sealed class ExtraBaselineRowsTests
{
    private static JsonNode Run(string rows) => JsonNode.Parse($$"""{ "rows": { {{rows}} } }""")!;

    private static double? SamplesPerSecond(JsonNode run, string loop) => (double?)run["rows"]?[loop]?["samples_per_s"];

    [Fact]
    public void Extra_rows_join_the_baseline_run_of_their_own_alternation_and_never_replace_its_rows()
    {
        var baseline = new List<(int, JsonNode)>
        {
            (1, Run("""  "a_dae_784_500": { "samples_per_s": 100 } """)),
            (2, Run("""  "a_dae_784_500": { "samples_per_s": 200 } """)),
        };
        var extra = new List<(int, JsonNode)>
        {
            (2, Run("""  "b_rbm_cd5_784_500": { "samples_per_s": 20 }, "a_dae_784_500": { "samples_per_s": 999 } """)),
            (1, Run("""  "b_rbm_cd5_784_500": { "samples_per_s": 10 } """)),
            (3, Run("""  "b_rbm_cd5_784_500": { "samples_per_s": 30 } """)),
        };

        var joined = ExtraBaselineRows.Join(baseline, extra);

        joined.Should().HaveCount(2, "an extra run without its baseline run is dropped");
        SamplesPerSecond(joined[0], "b_rbm_cd5_784_500").Should().Be(10);
        SamplesPerSecond(joined[1], "b_rbm_cd5_784_500").Should().Be(20);
        SamplesPerSecond(joined[1], "a_dae_784_500").Should().Be(200, "the baseline's own row stays as it measured it");
        SamplesPerSecond(baseline[0].Item2, "b_rbm_cd5_784_500").Should().BeNull("the runs read from disk are left as they were");
        ExtraBaselineRows.Names(extra).Should().Equal("a_dae_784_500", "b_rbm_cd5_784_500");
    }

    [Fact]
    public void A_loop_only_the_extra_script_measures_gets_a_ratio_in_the_table()
    {
        var pretrain = JsonNode.Parse("""
            { "matmulPeakGflops": 100, "loops": [ { "name": "b_rbm_cd5_784_500", "precision": "float32", "flopsPerSample": 1e6, "samplesPerSecond": 15 } ] }
            """)!;
        var baseline = new List<(int, JsonNode)> { (1, Run("""  "e_mm_2048": { "gflops": 90 } """)) };

        var withExtra = new ComparisonTable([pretrain], ExtraBaselineRows.Join(baseline, [(1, Run("""  "b_rbm_cd5_784_500": { "samples_per_s": 10 } """))]));
        var without = new ComparisonTable([pretrain], ExtraBaselineRows.Join(baseline, []));

        withExtra.Loops.Single().Ratio.Should().BeApproximately(1.5, 1e-12);
        without.Loops.Single().Ratio.Should().BeNull();
    }
}
