using System.Text.Json;
using Pretrain.Pretraining.IO;
using Pretrain.Pretraining.Runtime;
using static TorchSharp.torch;

namespace Pretrain.Benchmarks;

/// <summary>
/// Pretrain's half of <c>benchmarks/compare.sh</c>: the matrix-product peak, every compared loop under its stable key,
/// and the DAE memory check, written as JSON for <see cref="CompareReport"/>.
///   dotnet run -c Release --project benchmarks/Pretrain.Benchmarks -- loops [--quick] [--threads N] [--out FILE.json] [--rows N] [--only PREFIX[,PREFIX]]
/// Every loop is timed like the baseline's rows: one warm-up epoch, then the median of 3 epochs (--quick: 1 epoch, and
/// the memory check runs 10 epochs instead of 100). --threads sets torch's thread count (the baseline fixes 2). --only
/// times the loops whose <c>key:precision</c> starts with one of the prefixes (e.g. <c>c_finetune</c>,
/// <c>a_dae_784_500:float32</c>) and skips the memory check.
/// </summary>
internal static class LoopsMode
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static int Run(string[] args)
    {
        var quick = args.Contains("--quick");
        var outPath = Option(args, "--out");
        if (Option(args, "--threads") is string threads)
            set_num_threads(int.TryParse(threads, out var n) && n > 0 ? n
                : throw new ArgumentException($"--threads: expected a positive integer, received '{threads}'."));
        var repetitions = quick ? 1 : 3;
        LoopTiming.Only = Option(args, "--only")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        // --rows is for smoke tests of this program only: the comparison needs the baseline's 60,000 rows.
        var rows = Option(args, "--rows") is string r ? (int.TryParse(r, out var k) && k >= 256 ? k
            : throw new ArgumentException($"--rows: expected an integer of at least 256, received '{r}'.")) : 60000;
        var context = RunContext.Create(DeviceSpec.Auto, 0);
        var (data, description) = BenchmarkData.Load(rows);
        using var _ = data;
        using var onDevice = data.To(context.Device);
        Console.WriteLine($"Pretrain loops: {data.Count} rows of {description}; device {context.DescribeDevice()}; torch threads {get_num_threads()}; median of {repetitions} after a warm-up.");

        var bfloat16Skipped = BFloat16Skipped(context.Device);
        if (bfloat16Skipped is not null)
        {
            LoopTiming.Skipped = ["bfloat16"];
            Console.WriteLine(bfloat16Skipped);
        }
        var peak = MatmulPeak.Gflops(ScalarType.Float32);
        double? peakBf16 = bfloat16Skipped is null ? MatmulPeak.Gflops(ScalarType.BFloat16) : null;
        Console.WriteLine($"matmul peak (2048x2048): float32 {peak:F1} GFLOP/s, bfloat16 {(peakBf16 is double p ? $"{p:F1} GFLOP/s" : "not measured")}");
        var loops = DenseLoops.Run(onDevice, context, repetitions)
            .Concat(ConvLoops.Run(onDevice, context, repetitions))
            .Append(RankingLoop.Run(context, repetitions))
            .OfType<LoopTiming>().ToList();
        if (LoopTiming.Only.Count > 0 && loops.Count == 0)
            throw new ArgumentException($"--only: no loop's key starts with {string.Join(" or ", LoopTiming.Only)}.");
        var memory = LoopTiming.Only.Count == 0 ? DaeMemory.Measure(onDevice, context, quick ? 10 : 100) : null;

        if (outPath is not null)
        {
            var json = new
            {
                program = "Pretrain.Benchmarks loops",
                quick,
                threads = get_num_threads(),
                device = context.DescribeDevice(),
                data = description,
                repetitions,
                matmulPeakGflops = peak,
                matmulPeakGflopsBFloat16 = peakBf16,
                bfloat16Skipped,
                loops = loops.Select(l => new
                {
                    name = l.Name, precision = l.Precision, samples = l.Samples, flopsPerSample = l.FlopsPerSample,
                    seconds = l.Seconds, samplesPerSecond = l.SamplesPerSecond,
                }),
                memory = memory is null ? null : new { rows = memory.Rows, epochs = memory.Epochs, afterEpoch1Bytes = memory.AfterEpoch1Bytes, afterLastEpochBytes = memory.AfterLastEpochBytes, growthPercent = memory.GrowthPercent },
            };
            AtomicFile.WriteAllText(outPath, JsonSerializer.Serialize(json, Indented));
            Console.WriteLine($"Wrote {outPath}");
        }
        return 0;
    }

    /// <summary>Why bfloat16 is not timed on <paramref name="device"/>, or null where libtorch runs bfloat16 products natively.</summary>
    public static string? BFloat16Skipped(Device device)
    {
        var slowdown = BFloat16Speed.SlowdownOverFloat32(device);
        return !BFloat16Speed.IsSlow(slowdown) ? null : $"bfloat16 peak and loops skipped: {BFloat16Speed.Slowness(slowdown, "this machine")}.";
    }

    public static string? Option(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
