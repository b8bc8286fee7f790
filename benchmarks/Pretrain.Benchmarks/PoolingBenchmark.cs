using System.Diagnostics;
using Pretrain.Pretraining.Layers.Convolutions;
using static TorchSharp.torch;

namespace Pretrain.Benchmarks;

/// <summary>
/// 2x2 max-pooling forward and backward on the feature maps of the benchmark CNN at batch 128 ([128, 32, 28, 28] and
/// [128, 64, 14, 14]): <see cref="WindowMaxPooling"/> against libtorch's <c>max_pool2d</c>, alternating, median
/// milliseconds a call over 5 rounds of 20 calls each.
///   dotnet run -c Release --project benchmarks/Pretrain.Benchmarks -- pool
/// </summary>
internal static class PoolingBenchmark
{
    private const int Calls = 20, Rounds = 5;

    public static int Run(string[] args)
    {
        using var generator = new Generator(1);
        foreach (long[] shape in new[] { new long[] { 128, 32, 28, 28 }, [128, 64, 14, 14] })
        {
            using var maps = randn(shape, generator: generator).requires_grad_(true);
            var (libtorch, window) = (new List<double>(), new List<double>());
            for (var round = 0; round < Rounds; round++)
            {
                libtorch.Add(Milliseconds(maps, m => nn.functional.max_pool2d(m, 2)));
                window.Add(Milliseconds(maps, m => WindowMaxPooling.Pool(m, 2)));
            }
            double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
            Console.WriteLine($"[{string.Join(", ", shape)}] 2x2 max-pooling forward+backward: max_pool2d {Median(libtorch):F2} ms, WindowMaxPooling {Median(window):F2} ms ({Median(libtorch) / Median(window):F1}x), medians of {Rounds} rounds of {Calls} calls");
        }
        return 0;
    }

    private static double Milliseconds(Tensor maps, Func<Tensor, Tensor> pool)
    {
        void Once()
        {
            using var scope = NewDisposeScope();
            pool(maps).sum().backward();
            maps.grad = null;
        }
        Once();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Calls; i++)
            Once();
        return clock.Elapsed.TotalMilliseconds / Calls;
    }
}
