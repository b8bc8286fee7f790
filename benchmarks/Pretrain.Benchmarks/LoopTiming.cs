using System.Diagnostics;

namespace Pretrain.Benchmarks;

/// <summary>
/// One training loop timed for the side-by-side comparison: its stable key (the baseline's row name where
/// <c>throughput_torch.py</c> has the same loop), precision, samples per epoch, the matrix-product FLOPs one sample
/// costs (2mnk per product, elementwise work ignored, as the baseline counts them), and the seconds of each timed epoch.
/// </summary>
internal sealed record LoopTiming(string Name, string Precision, long Samples, double FlopsPerSample, IReadOnlyList<double> Seconds)
{
    public double Median => Seconds.Order().ElementAt(Seconds.Count / 2);

    public double SamplesPerSecond => Samples / Median;

    /// <summary>
    /// Prefixes of <c>key:precision</c> for the loops to time (<c>loops --only c_finetune</c>, <c>--only
    /// a_dae_784_500:float32</c>); empty times every loop. Profiling one loop, or checking a change to it, should not
    /// cost the whole ten-minute run.
    /// </summary>
    public static IReadOnlyList<string> Only { get; set; } = [];

    /// <summary>
    /// Precisions not timed on this machine (bfloat16 where libtorch has no native kernels for it: an epoch would take
    /// an hour and say nothing about Pretrain).
    /// </summary>
    public static IReadOnlyList<string> Skipped { get; set; } = [];

    /// <summary>Whether <see cref="Only"/> and <see cref="Skipped"/> let the loop <paramref name="name"/> run in <paramref name="precision"/>.</summary>
    public static bool Wanted(string name, string precision = "float32") =>
        !Skipped.Contains(precision)
        && (Only.Count == 0 || Only.Any(prefix => $"{name}:{precision}".StartsWith(prefix, StringComparison.Ordinal)));

    /// <summary>
    /// Times <paramref name="epoch"/> after one untimed warm-up call. The action returns the seconds to count (the
    /// whole call when it returns null), so a loop can leave out work done once outside the epoch, as the baseline does.
    /// Returns null, without calling it, for a loop that <see cref="Only"/> or <see cref="Skipped"/> leaves out.
    /// </summary>
    public static LoopTiming? Run(string name, string precision, long samples, double flopsPerSample, int repetitions, Func<double?> epoch)
    {
        if (!Wanted(name, precision))
            return null;
        Console.Write($"{name} ({precision}): ");
        epoch();
        var seconds = new List<double>();
        for (var i = 0; i < repetitions; i++)
        {
            GC.Collect();
            var clock = Stopwatch.StartNew();
            var counted = epoch();
            seconds.Add(counted ?? clock.Elapsed.TotalSeconds);
        }
        var timing = new LoopTiming(name, precision, samples, flopsPerSample, seconds);
        Console.WriteLine($"{timing.SamplesPerSecond:N0} samples/s (median of {string.Join(", ", seconds.Select(s => s.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)))} s)");
        return timing;
    }
}
