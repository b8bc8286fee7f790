using System.Text.Json.Nodes;

namespace Pretrain.Benchmarks.Tests;

/// <summary>compare.sh's memory figures: one line for every Pretrain run, the largest growth first.</summary>
public sealed class MemoryLineTests
{
    private static JsonNode Memory(long first, long last, double growth) => JsonNode.Parse(
        $$"""{ "rows": 6000, "epochs": 100, "afterEpoch1Bytes": {{first}}, "afterLastEpochBytes": {{last}}, "growthPercent": {{growth}} }""")!;

    [Fact]
    public void Every_run_is_on_one_line_and_the_largest_growth_leads()
    {
        const long MB = 1048576;
        var line = MemoryLine.For([Memory(937 * MB, 967 * MB, 3.2), Memory(940 * MB, 990 * MB, 5.3), Memory(938 * MB, 968 * MB, 3.1)]);

        line.Should().Be("Native resident memory, DAE 784->500 on 6000 rows, after epoch 1 -> after epoch 100: largest growth +5.3% over 3 run(s): 937 -> 967 MB (+3.2%), 940 -> 990 MB (+5.3%), 938 -> 968 MB (+3.1%).");
        line.Should().NotContain("\n");
    }

    [Fact]
    public void No_runs_give_no_line()
    {
        MemoryLine.For([]).Should().BeNull();
    }
}
