using System.Globalization;
using System.Text.Json.Nodes;

namespace Pretrain.Benchmarks;

/// <summary>
/// The report's line on native resident memory: one line for all of compare.sh's Pretrain runs, because each run
/// measures the same DAE layer and printing a line per run repeated the same sentence with nearly the same figures.
/// The largest growth leads, since issue 13's target (epoch 100 within 5% of epoch 1) must hold in every run.
/// </summary>
internal static class MemoryLine
{
    /// <summary>The line for the <c>memory</c> objects of the runs (rows, epochs, bytes after epoch 1 and after the last), or null with none.</summary>
    public static string? For(IReadOnlyList<JsonNode> runs)
    {
        if (runs.Count == 0)
            return null;
        var first = runs[0];
        var figures = runs.Select(m => string.Create(CultureInfo.InvariantCulture,
            $"{Megabytes(m["afterEpoch1Bytes"])} -> {Megabytes(m["afterLastEpochBytes"])} MB ({(double)m["growthPercent"]!:+0.0;-0.0}%)"));
        var largest = runs.Max(m => (double)m["growthPercent"]!);
        return string.Create(CultureInfo.InvariantCulture,
            $"Native resident memory, DAE 784->500 on {(int)first["rows"]!} rows, after epoch 1 -> after epoch {(int)first["epochs"]!}: largest growth {largest:+0.0;-0.0}% over {runs.Count} run(s): {string.Join(", ", figures)}.");
    }

    private static string Megabytes(JsonNode? bytes) => ((long)bytes! / 1048576.0).ToString("F0", CultureInfo.InvariantCulture);
}
