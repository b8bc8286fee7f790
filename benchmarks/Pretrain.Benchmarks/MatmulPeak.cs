using System.Diagnostics;
using static TorchSharp.torch;

namespace Pretrain.Benchmarks;

/// <summary>
/// The machine's matrix-product peak as TorchSharp reaches it: GFLOP/s of 2048x2048 by 2048x2048 products (2n^3 FLOPs
/// each), timed like the baseline's <c>e_mm_2048</c> row (3 warm-up products, then the median of 3 timings of 5
/// products). Loop throughputs are reported as a share of this figure, measured in the same run.
///   dotnet run -c Release --project benchmarks/Pretrain.Benchmarks -- peak
/// </summary>
internal static class MatmulPeak
{
    private const int Size = 2048;
    private const int ProductsPerTiming = 5;

    public static int Run(string[] args)
    {
        Console.WriteLine($"torch threads {get_num_threads()}");
        Console.WriteLine($"float32  {Gflops(ScalarType.Float32):F1} GFLOP/s (2048x2048 matrix product)");
        Console.WriteLine(LoopsMode.BFloat16Skipped(CPU) ?? $"bfloat16 {Gflops(ScalarType.BFloat16):F1} GFLOP/s (2048x2048 matrix product)");
        return 0;
    }

    /// <summary>Median GFLOP/s of 2048x2048 products in <paramref name="type"/>.</summary>
    public static double Gflops(ScalarType type)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(0);
        var a = randn([Size, Size], generator: generator).to(type);
        var b = randn([Size, Size], generator: generator).to(type);
        for (var i = 0; i < 3; i++)
            mm(a, b).Dispose();
        var seconds = new List<double>();
        for (var t = 0; t < 3; t++)
        {
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < ProductsPerTiming; i++)
                mm(a, b).Dispose(); // the product's value is read back by nothing; mm runs synchronously on CPU
            seconds.Add(clock.Elapsed.TotalSeconds);
        }
        var median = seconds.Order().ElementAt(1);
        return ProductsPerTiming * 2.0 * Size * Size * Size / median / 1e9;
    }
}
