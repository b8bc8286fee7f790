using System.Diagnostics;

namespace Pretrain.Benchmarks;

/// <summary>One benchmark's figures: the median of several timed repetitions after an untimed warm-up.</summary>
internal sealed record Measurement(string Name, long Samples, IReadOnlyList<double> Seconds)
{
    public double Median => Seconds.Order().ElementAt(Seconds.Count / 2);

    public double SamplesPerSecond => Samples / Median;

    public static Measurement Run(string name, long samples, int repetitions, Action work)
    {
        work(); // warm-up: first-call costs (kernels, allocator) are not what is measured
        var seconds = new List<double>();
        for (var i = 0; i < repetitions; i++)
        {
            GC.Collect();
            var clock = Stopwatch.StartNew();
            work();
            seconds.Add(clock.Elapsed.TotalSeconds);
        }
        return new Measurement(name, samples, seconds);
    }
}
