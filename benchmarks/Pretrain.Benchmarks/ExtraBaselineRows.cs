using System.Text.Json.Nodes;

namespace Pretrain.Benchmarks;

/// <summary>
/// Joins the rows of <c>benchmarks/extra_loops_torch.py</c> (PyTorch versions, written in this repository, of the loops
/// the baseline's <c>throughput_torch.py</c> lacks: CD-5, PCD-1, text ranking) to the baseline run of the same
/// alternation, so that <see cref="ComparisonTable"/> finds every PyTorch figure in one place. The two scripts run back
/// to back in each alternation, so a pair belongs together; an extra run without its baseline run is dropped, and a
/// row the baseline already has is kept as the baseline measured it.
/// </summary>
internal static class ExtraBaselineRows
{
    /// <summary>The baseline runs with the extra rows of the same alternation added, in the order of <paramref name="baseline"/>.</summary>
    public static IReadOnlyList<JsonNode> Join(IReadOnlyList<(int Alternation, JsonNode Run)> baseline, IReadOnlyList<(int Alternation, JsonNode Run)> extra)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(extra);
        var extraByAlternation = extra.ToDictionary(e => e.Alternation, e => e.Run);
        return baseline.Select(b =>
        {
            if (!extraByAlternation.TryGetValue(b.Alternation, out var more))
                return b.Run;
            var joined = b.Run.DeepClone();
            var rows = joined["rows"] as JsonObject
                ?? throw new InvalidDataException($"compare report: baseline run {b.Alternation} has no rows object.");
            var extraRows = more["rows"] as JsonObject
                ?? throw new InvalidDataException($"compare report: extra-{b.Alternation}.json (benchmarks/extra_loops_torch.py) has no rows object.");
            foreach (var (name, row) in extraRows)
                if (!rows.ContainsKey(name))
                    rows[name] = row?.DeepClone();
            return joined;
        }).ToList();
    }

    /// <summary>The loop names the extra runs measured, for the report's note.</summary>
    public static IReadOnlyList<string> Names(IReadOnlyList<(int Alternation, JsonNode Run)> extra) =>
        extra.SelectMany(e => (e.Run["rows"] as JsonObject)?.Select(r => r.Key) ?? []).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
}
