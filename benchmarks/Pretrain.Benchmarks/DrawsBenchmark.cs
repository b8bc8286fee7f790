using System.Diagnostics;
using Pretrain.Pretraining.Runtime;
using static TorchSharp.torch;

namespace Pretrain.Benchmarks;

/// <summary>
/// Uniform draws for one 128x784 batch (a DAE layer's masking noise): libtorch's <c>rand</c> against
/// <see cref="UniformDraws"/>, alternating, median milliseconds a call over 5 rounds of 300 calls each.
///   dotnet run -c Release --project benchmarks/Pretrain.Benchmarks -- draws
/// </summary>
internal static class DrawsBenchmark
{
    private const int Calls = 300, Rounds = 5;

    public static int Run(string[] args)
    {
        using var generator = new Generator(1);
        long[] shape = [128, 784];
        var (libtorch, vectorized) = (new List<double>(), new List<double>());
        for (var round = 0; round < Rounds; round++)
        {
            libtorch.Add(Milliseconds(() => rand(shape, generator: generator)));
            vectorized.Add(Milliseconds(() => UniformDraws.Sample(shape, generator)));
        }
        double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
        Console.WriteLine($"128x784 uniform draws: rand {Median(libtorch):F3} ms, UniformDraws {Median(vectorized):F3} ms ({Median(libtorch) / Median(vectorized):F1}x), medians of {Rounds} rounds of {Calls} calls");
        return 0;
    }

    private static double Milliseconds(Func<Tensor> draw)
    {
        draw().Dispose();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Calls; i++)
            draw().Dispose();
        return clock.Elapsed.TotalMilliseconds / Calls;
    }
}
