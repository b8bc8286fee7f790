using System.Text.Json;
using Pretrain.Pretraining.IO;
using Pretrain.Recipes.Pipeline;

namespace Pretrain.Host.Distributed;

/// <summary>
/// Collects the results of one submission's jobs on the shared root (<c>ROOT/sweeps/ID/JOB.json</c>) and, when the
/// last one finishes, writes the summary <c>ROOT/sweeps/ID.json</c>: per sweep point, the mean ± sd of every metric
/// over its seeds, as <c>pretrain run --seeds</c> does. Whichever worker finishes last writes it; writing it twice
/// gives the same file.
/// </summary>
internal static class SweepBook
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>Records <paramref name="result"/> of job <paramref name="jobId"/>; returns the summary's path once the sweep is complete.</summary>
    public static string? Record(WorkerSettings settings, RecipeJobArguments job, string jobId, RunResult result)
    {
        var folder = Path.Combine(settings.Sweeps, job.SweepId);
        Directory.CreateDirectory(folder);
        AtomicFile.WriteAllText(Path.Combine(folder, $"{jobId}.json"), JsonSerializer.Serialize(new SweepEntry(job.Point, job.Seed, result), Json));
        var entries = Directory.GetFiles(folder, "*.json")
            .Select(f => JsonSerializer.Deserialize<SweepEntry>(File.ReadAllText(f), Json)!)
            .ToList();
        if (entries.Count < job.SweepSize)
            return null;
        var points = entries
            .GroupBy(e => e.Point, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new SweepPoint(g.Key, SeedSummary.Of(g.OrderBy(e => e.Seed).Select(e => (e.Seed, e.Result)).ToList())))
            .ToList();
        var summary = Path.Combine(settings.Sweeps, $"{job.SweepId}.json");
        AtomicFile.WriteAllText(summary, JsonSerializer.Serialize(new { sweep = job.SweepId, name = job.Name, points }, Json));
        return summary;
    }

    private sealed record SweepEntry(string Point, int Seed, RunResult Result);

    private sealed record SweepPoint(string Point, SeedSummary Summary);
}
