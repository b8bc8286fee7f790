using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Pretrain.Pretraining.Layers;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Runtime;

/// <summary>
/// Whether bfloat16 matrix products pay on a device. libtorch runs them with native instructions on CPUs with
/// AVX512-BF16 or AMX and on recent GPUs, where they are 2-4x faster than float32; elsewhere (an AVX2-only CPU, for
/// one) it falls back to scalar loops, measured here 50x slower than float32. <c>precision: bfloat16</c> would then
/// turn an hour's run into days, so trainers warn at their start (<see cref="WarnIfSlow"/>).
/// </summary>
/// <remarks>
/// The probe times one 256x512 by 512x256 product in each precision (a few milliseconds where bfloat16 is native,
/// about a tenth of a second where it is not), once per process and device: it measures the machine, not the run, so
/// unlike everything else in a run it is kept in static state.
/// </remarks>
public static class BFloat16Speed
{
    /// <summary>
    /// bfloat16 products taking longer than this multiple of float32's count as slow. bfloat16 is only worth having
    /// where it is faster, and the probe understates its cost: on an Intel Xeon without AMX it measured 1.2-1.8x
    /// (varying with the product's shape) where whole bfloat16 loops ran 1.5x slower than float32, so a threshold of
    /// 1.5 let one run time bfloat16 and the next skip it.
    /// </summary>
    public const double SlowThreshold = 1.0;

    private const int Rows = 256, Inner = 512, Columns = 256, Timings = 3;

    private static readonly ConcurrentDictionary<string, double> Slowdowns = new();

    /// <summary>
    /// How many times as long a bfloat16 matrix product takes as the same float32 one on <paramref name="device"/>
    /// (below 1: bfloat16 is faster). Measured on first use, then remembered for the process.
    /// </summary>
    public static double SlowdownOverFloat32(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return Slowdowns.GetOrAdd(device.ToString(), _ => Probe(device));
    }

    /// <summary>Whether bfloat16 products taking <paramref name="slowdown"/> times as long as float32 ones are not worth using.</summary>
    public static bool IsSlow(double slowdown) => slowdown > SlowThreshold;

    /// <summary>
    /// The warning for training in <paramref name="precision"/> where bfloat16 products take
    /// <paramref name="slowdown"/> times as long as float32 ones; null when there is nothing to warn about.
    /// </summary>
    public static string? WarningFor(Precision precision, double slowdown, string device) =>
        precision != Precision.BFloat16 || !IsSlow(slowdown)
            ? null
            : $"precision bfloat16: {Slowness(slowdown, device)}, so this stage will run slower, not faster. Use precision float32 on this machine.";

    /// <summary>
    /// How much longer bfloat16 products take than float32 ones on <paramref name="device"/>, and why: the one wording
    /// of training's warning and of the benchmark's note when it skips bfloat16.
    /// </summary>
    public static string Slowness(double slowdown, string device) => string.Create(CultureInfo.InvariantCulture,
        $"a bfloat16 matrix product takes {slowdown:0.#}x as long as a float32 one on {device} (no fast bfloat16 kernels here: they need AMX, AVX512-BF16 at full rate as on AMD Zen 4, or a recent GPU; an Intel Xeon's AVX512-BF16 without AMX measured half its float32 rate)");

    /// <summary>Logs <see cref="WarningFor"/> for <paramref name="precision"/> on the context's device, probing only for bfloat16.</summary>
    public static void WarnIfSlow(Precision precision, RunContext context, string stage)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (precision != Precision.BFloat16)
            return;
        if (WarningFor(precision, SlowdownOverFloat32(context.Device), context.Device.ToString()) is { } warning)
            context.Logger.LogWarning("{Stage}: {Warning}", stage, warning);
    }

    private static double Probe(Device device)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(0);
        var a = randn([Rows, Inner], generator: generator).to(device);
        var b = randn([Inner, Columns], generator: generator).to(device);
        return Seconds(a.to(ScalarType.BFloat16), b.to(ScalarType.BFloat16)) / Seconds(a, b);
    }

    /// <summary>The fastest of a few timed products after a warm-up; reading one value back waits for a GPU to finish.</summary>
    private static double Seconds(Tensor a, Tensor b)
    {
        using (var warm = mm(a, b))
            warm[0, 0].to(ScalarType.Float32).item<float>();
        var best = double.MaxValue;
        for (var i = 0; i < Timings; i++)
        {
            var clock = Stopwatch.StartNew();
            using var product = mm(a, b);
            product[0, 0].to(ScalarType.Float32).item<float>();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return best;
    }
}
