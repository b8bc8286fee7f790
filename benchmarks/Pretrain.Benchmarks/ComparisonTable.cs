using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Pretrain.Benchmarks;

/// <summary>
/// One loop compared: medians over the alternations of Pretrain's samples/s and PyTorch's float32 samples/s, their
/// ratio, and the ratio within each alternation (the two programs' runs that were next to each other in time).
/// </summary>
internal sealed record ComparedLoop(string Name, string Precision, double Pretrain, double? Baseline, double? Ratio,
    double PretrainGflops, double PeakShare, double? BaselinePeakShare, IReadOnlyList<double>? PairedRatios = null)
{
    /// <summary>How many Pretrain runs timed this loop (the median is of those).</summary>
    public int Runs { get; init; } = 1;
}

/// <summary>
/// Matches the loops of several Pretrain runs (<c>loops --out</c>) and baseline runs (<c>throughput_torch.py</c>'s JSON)
/// by name, takes medians over the runs, and computes the ratio (Pretrain / PyTorch float32, whatever Pretrain's
/// precision) and the GFLOP/s reached as a share of the matrix-product peak Pretrain measured in the same runs
/// (bfloat16 loops against the bfloat16 peak). Loops the baseline lacks get null baseline and ratio.
/// Where both programs ran the same number of times, run i of each is alternation i (compare.sh runs them back to
/// back), and each alternation's own ratio is kept too: this machine's speed drifts by a fifth within minutes, so the
/// spread of those ratios says how far the median ratio can be trusted.
/// </summary>
internal sealed class ComparisonTable
{
    public ComparisonTable(IReadOnlyList<JsonNode> pretrainRuns, IReadOnlyList<JsonNode> baselineRuns)
    {
        if (pretrainRuns.Count == 0)
            throw new ArgumentException("compare report: no Pretrain run to report.");
        PeakGflops = Median(pretrainRuns.Select(r => Number(r, "matmulPeakGflops")));
        // Null where bfloat16 was not measured (a machine without native bfloat16 kernels skips those loops); where
        // only some runs measured it, the median of those: their bfloat16 loops are compared with their own peak.
        var bfloat16Peaks = pretrainRuns.Select(r => (double?)r["matmulPeakGflopsBFloat16"]).OfType<double>().ToList();
        PeakGflopsBFloat16 = bfloat16Peaks.Count > 0 ? Median(bfloat16Peaks) : null;
        BFloat16Skipped = pretrainRuns.Select(r => (string?)r["bfloat16Skipped"]).FirstOrDefault(s => s is not null);
        BaselinePeakGflops = baselineRuns.Count == 0 ? null
            : Median(baselineRuns.Select(r => (double?)r["rows"]?["e_mm_2048"]?["gflops"] ?? throw Missing("baseline", "rows.e_mm_2048.gflops")));
        // Every loop any run timed, in the order the runs list them: the bfloat16 speed check runs again in every run,
        // and on a machine near its threshold one run may time the bfloat16 loops and the next skip them.
        var keys = pretrainRuns.SelectMany(r => r["loops"]?.AsArray() ?? throw Missing("Pretrain", "loops"))
            .Select(l => ((string)l!["name"]!, (string)l["precision"]!)).Distinct().ToList();
        Loops = keys.Select(key => Compare(key.Item1, key.Item2, pretrainRuns, baselineRuns)).ToList();
        var partial = Loops.Where(l => l.Runs < pretrainRuns.Count).ToList();
        PartialLoops = partial.Count == 0 ? null : string.Create(CultureInfo.InvariantCulture,
            $"Timed in only some of the {pretrainRuns.Count} Pretrain runs (their medians are of those runs, with no per-alternation ratios): {string.Join(", ", partial.Select(l => $"{l.Name} {l.Precision} ({l.Runs})"))}.");
    }

    /// <summary>Loops that only some Pretrain runs timed, with how many, or null where every run timed every loop.</summary>
    public string? PartialLoops { get; }

    public IReadOnlyList<ComparedLoop> Loops { get; }

    public double PeakGflops { get; }

    public double? PeakGflopsBFloat16 { get; }

    /// <summary>Why a Pretrain run did not time bfloat16 loops, or null.</summary>
    public string? BFloat16Skipped { get; }

    public double? BaselinePeakGflops { get; }

    /// <summary>
    /// A warning where the two programs' own float32 peaks (2048x2048, measured in the same runs) differ by more than
    /// 1.5x, else null. Both call a BLAS for every product, but not the same one (libtorch's MKL; Debian's torch the
    /// system BLAS), and on a CPU where one is far slower the ratios of product-bound loops measure the BLAS libraries:
    /// session 22's Intel Xeon gave PyTorch on OpenBLAS a fifth of libtorch's peak and every dense loop about 3x.
    /// </summary>
    public string? UnevenPeaks => BaselinePeakGflops is double baseline && Math.Max(baseline / PeakGflops, PeakGflops / baseline) > 1.5
        ? string.Create(CultureInfo.InvariantCulture,
            $"Warning: PyTorch's own float32 peak is {100 * baseline / PeakGflops:F0}% of Pretrain's on this machine: the two programs' BLAS libraries differ here, so the ratios of loops bound by matrix products measure the BLAS more than the loops.")
        : null;

    private ComparedLoop Compare(string name, string precision, IReadOnlyList<JsonNode> pretrainRuns, IReadOnlyList<JsonNode> baselineRuns)
    {
        var own = pretrainRuns.Select(r => r["loops"]!.AsArray().FirstOrDefault(l => (string)l!["name"]! == name && (string)l["precision"]! == precision))
            .ToList();
        // Run i of each program is alternation i only where this loop was timed in every Pretrain run.
        var inEveryRun = own.All(l => l is not null);
        own = own.Where(l => l is not null).ToList();
        var pretrain = Median(own.Select(l => Number(l!, "samplesPerSecond")));
        var flops = Number(own[0]!, "flopsPerSample");
        var theirs = baselineRuns.Select(r => (double?)r["rows"]?[name]?["samples_per_s"]).ToList();
        double? baseline = theirs.Count > 0 && theirs.All(t => t is not null) ? Median(theirs.Select(t => t!.Value)) : null;
        var peak = precision == "bfloat16"
            ? PeakGflopsBFloat16 ?? throw Missing("Pretrain", "matmulPeakGflopsBFloat16")
            : PeakGflops;
        var gflops = flops * pretrain / 1e9;
        IReadOnlyList<double>? paired = baseline is not null && inEveryRun && theirs.Count == own.Count
            ? own.Select((l, i) => Number(l!, "samplesPerSecond") / theirs[i]!.Value).ToList()
            : null;
        return new ComparedLoop(name, precision, pretrain, baseline, pretrain / baseline, gflops, gflops / peak, flops * baseline / 1e9 / PeakGflops, paired)
        {
            Runs = own.Count,
        };
    }

    /// <summary>The comparison as a Markdown table, one row per loop.</summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine("| loop | precision | Pretrain samples/s | PyTorch fp32 samples/s | ratio | ratio in each alternation | Pretrain GFLOP/s | share of peak | PyTorch share of fp32 peak |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var l in Loops)
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {l.Name} | {l.Precision} | {l.Pretrain:N0} | {(l.Baseline is double b ? b.ToString("N0", CultureInfo.InvariantCulture) : "-")} | {(l.Ratio is double r ? r.ToString("F2", CultureInfo.InvariantCulture) + "x" : "-")} | {(l.PairedRatios is { } p ? string.Join(", ", p.Select(x => x.ToString("F2", CultureInfo.InvariantCulture))) : "-")} | {l.PretrainGflops:F1} | {l.PeakShare * 100:F0}% | {(l.BaselinePeakShare is double s ? (s * 100).ToString("F0", CultureInfo.InvariantCulture) + "%" : "-")} |"));
        return text.ToString();
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0)
            throw new ArgumentException("compare report: no values to take the median of.");
        var mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static double Number(JsonNode node, string field) => (double?)node[field] ?? throw Missing("Pretrain", field);

    private static InvalidDataException Missing(string program, string field) =>
        new($"compare report: a {program} result file has no {field}; rerun benchmarks/compare.sh so that both programs write their current format.");
}
