using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pretrain.Pretraining.IO;

namespace Pretrain.Benchmarks;

/// <summary>
/// The last step of <c>benchmarks/compare.sh</c>: reads the runs it alternated (<c>DIR/pretrain-*.json</c> from
/// <see cref="LoopsMode"/>, <c>DIR/baseline-*.json</c> from <c>throughput_torch.py</c>, <c>DIR/extra-*.json</c> from
/// <c>benchmarks/extra_loops_torch.py</c>), prints the Markdown table of
/// <see cref="ComparisonTable"/> with the peak and memory figures, and writes the combined JSON.
///   dotnet run -c Release --project benchmarks/Pretrain.Benchmarks -- report DIR [--out FILE.json] [--note TEXT]
/// </summary>
internal static class CompareReport
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static int Run(string[] args)
    {
        var folder = args.Length > 1 && !args[1].StartsWith("--", StringComparison.Ordinal) ? args[1]
            : throw new ArgumentException("report: expected the folder of the runs to report, e.g. report /tmp/compare-runs.");
        if (!Directory.Exists(folder))
            throw new ArgumentException($"report: {folder} is not a folder; expected the runs folder compare.sh names (\"Runs and logs in ...\").");
        var outPath = LoopsMode.Option(args, "--out");
        var note = LoopsMode.Option(args, "--note");
        var pretrainRuns = Read(folder, "pretrain-*.json").Select(r => r.Run).ToList();
        var extraRuns = Read(folder, "extra-*.json");
        var baselineRuns = ExtraBaselineRows.Join(Read(folder, "baseline-*.json"), extraRuns);
        IReadOnlyList<string> extraNames = baselineRuns.Count == 0 ? [] : ExtraBaselineRows.Names(extraRuns);
        if (pretrainRuns.Count == 0)
        {
            Console.Error.WriteLine($"report: {folder} holds no pretrain-*.json (Pretrain's loops did not finish).");
            return 1;
        }
        var table = new ComparisonTable(pretrainRuns, baselineRuns);
        var memory = pretrainRuns.Select(r => r["memory"]).OfType<JsonNode>().ToList();

        Console.WriteLine();
        Console.WriteLine(table.ToMarkdown());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Medians of {pretrainRuns.Count} Pretrain run(s) and {baselineRuns.Count} PyTorch run(s) (each run: the median of its own repetitions); the ratio is of the medians, and each alternation's ratio (its two runs were back to back) shows how much the machine drifted. Matrix-product peak measured by Pretrain in the same runs (2048x2048): float32 {table.PeakGflops:F1} GFLOP/s, bfloat16 {(table.PeakGflopsBFloat16 is double p ? $"{p:F1} GFLOP/s" : "not measured")}{(table.BaselinePeakGflops is double b ? $"; PyTorch's own float32 measurement {b:F1} GFLOP/s" : "")}."));
        if (MemoryLine.For(memory) is { } memoryLine)
            Console.WriteLine(memoryLine);
        if (table.BFloat16Skipped is not null)
            Console.WriteLine(table.BFloat16Skipped);
        if (table.PartialLoops is not null)
            Console.WriteLine(table.PartialLoops);
        if (table.UnevenPeaks is not null)
            Console.WriteLine(table.UnevenPeaks);
        if (extraNames.Count > 0)
            Console.WriteLine($"PyTorch figures of {string.Join(", ", extraNames)}: benchmarks/extra_loops_torch.py (plain PyTorch written in this repository; throughput_torch.py has no such loops), run after throughput_torch.py in each alternation.");
        if (note is not null)
            Console.WriteLine(note);

        if (outPath is not null)
        {
            var json = new JsonObject
            {
                ["loops"] = new JsonArray(table.Loops.Select(l => (JsonNode)new JsonObject
                {
                    ["name"] = l.Name, ["precision"] = l.Precision, ["pretrain"] = l.Pretrain, ["baseline"] = l.Baseline, ["ratio"] = l.Ratio,
                    ["pairedRatios"] = l.PairedRatios is { } paired ? new JsonArray(paired.Select(r => (JsonNode)r).ToArray()) : null,
                    ["pretrainRuns"] = l.Runs, ["pretrainGflops"] = l.PretrainGflops, ["peakShare"] = l.PeakShare, ["baselinePeakShare"] = l.BaselinePeakShare,
                }).ToArray()),
                ["matmulPeakGflops"] = table.PeakGflops,
                ["matmulPeakGflopsBFloat16"] = table.PeakGflopsBFloat16,
                ["bfloat16Skipped"] = table.BFloat16Skipped,
                ["partialLoops"] = table.PartialLoops,
                ["baselineMatmulPeakGflops"] = table.BaselinePeakGflops,
                ["pretrainRuns"] = pretrainRuns.Count,
                ["baselineRuns"] = baselineRuns.Count,
                ["extraBaselineLoops"] = new JsonArray(extraNames.Select(n => (JsonNode)n).ToArray()),
                ["memory"] = new JsonArray(memory.Select(m => m.DeepClone()).ToArray()),
                ["note"] = note,
            };
            AtomicFile.WriteAllText(outPath, json.ToJsonString(Indented));
            Console.WriteLine($"Wrote {outPath}");
        }
        return 0;
    }

    /// <summary>The runs in alternation order: by the number in their names (pretrain-2 before pretrain-10).</summary>
    private static List<(int Alternation, JsonNode Run)> Read(string folder, string pattern) =>
        Directory.GetFiles(folder, pattern).OrderBy(AlternationOf).ThenBy(p => p, StringComparer.Ordinal).Select(path =>
        {
            try
            {
                return (AlternationOf(path), JsonNode.Parse(File.ReadAllText(path)) ?? throw new InvalidDataException($"{path}: empty JSON."));
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path}: not valid JSON ({e.Message}).", e);
            }
        }).ToList();

    private static int AlternationOf(string path) =>
        int.TryParse(Path.GetFileNameWithoutExtension(path).Split('-').Last(), NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : int.MaxValue;
}
