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
    /// Times <paramref name="epoch"/> after one untimed warm-up call. The action returns the seconds to count (the
    /// whole call when it returns null), so a loop can leave out work done once outside the epoch, as the baseline does.
    /// </summary>
    public static LoopTiming Run(string name, string precision, long samples, double flopsPerSample, int repetitions, Func<double?> epoch)
    {
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
