using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Layers.Convolutions;

/// <summary>
/// 2x2 max-pooling of contiguous float32 CPU maps in one managed pass each way, for <see cref="WindowMaxPooling"/>:
/// the forward pass reads each window once and writes its maximum and a byte naming the winner, and the backward pass
/// writes every input gradient once. The tensor-operation path needs about a dozen libtorch passes (strided maxima,
/// comparisons, byte arithmetic, products and stacks) over maps of 3 MB and more. Eight columns of two rows a step in
/// AVX2 where there is AVX2, scalar for the rest of a row. Forward and backward through autograd on [128, 32, 28, 28]
/// took 10.4-10.8 ms against 16-19 for libtorch's <c>max_pool2d</c> (<c>-- pool</c> of the benchmark program), and the
/// CNN fine-tuning loop went from 1,851 and 1,930 to 2,213 and 1,916 samples/s (<c>loops --only f_conv_finetune</c>,
/// alternating with the build before, session 14). Winners and ties are those of the tensor path: rows first, then
/// columns, and among equal values the earlier one keeps the gradient; a window holding a NaN pools to NaN, as with
/// <c>maximum</c>.
/// </summary>
internal static class PairMaxKernel
{
    /// <summary>Whether <paramref name="maps"/> can take this path: pool 2, float32, on the CPU, fewer than 2^31 values (spans index with int).</summary>
    public static bool Applies(Tensor maps, int pool) =>
        pool == 2 && FloatMaps.Fit(maps, int.MaxValue);

    /// <summary>
    /// The maxima of the 2x2 windows of <paramref name="maps"/> [B, C, H, W] (a trailing odd row or column is not
    /// covered): [B, C, H/2, W/2], and with <paramref name="keepWinners"/> the winner of each window as a byte (bit 1
    /// the row, bit 0 the column within it).
    /// </summary>
    public static (Tensor Pooled, Tensor? Winners) Forward(Tensor maps, bool keepWinners)
    {
        using var source = FloatMaps.Contiguous(maps);
        var (batch, channels, height, width) = (maps.shape[0], maps.shape[1], (int)maps.shape[2], (int)maps.shape[3]);
        var (rows, columns) = (height / 2, width / 2);
        var pooled = empty([batch, channels, rows, columns], ScalarType.Float32);
        var winners = keepWinners ? empty([batch, channels, rows, columns], ScalarType.Byte) : null;
        var input = MemoryMarshal.Cast<byte, float>(source.Tensor.bytes);
        var output = MemoryMarshal.Cast<byte, float>(pooled.bytes);
        var codes = winners is null ? Span<byte>.Empty : winners.bytes;
        var planes = batch * channels;
        for (var plane = 0L; plane < planes; plane++)
        {
            for (var i = 0; i < rows; i++)
            {
                var top = input.Slice((int)(plane * height * width + 2L * i * width), width);
                var bottom = input.Slice((int)(plane * height * width + (2L * i + 1) * width), width);
                var at = (int)(plane * rows * columns + (long)i * columns);
                var outRow = output.Slice(at, columns);
                MaxRow(top, bottom, outRow, winners is null ? default : codes.Slice(at, columns));
            }
        }
        return (pooled, winners);
    }

    /// <summary>
    /// The gradient of the maps [B, C, <paramref name="height"/>, <paramref name="width"/>] from that of the pooled maps
    /// and the winners <see cref="Forward"/> kept: each window's gradient goes to its winner, zeros elsewhere.
    /// </summary>
    public static Tensor Backward(Tensor pooledGradient, Tensor winners, int height, int width)
    {
        using var gradient = FloatMaps.Contiguous(pooledGradient);
        var (batch, channels, rows, columns) = (winners.shape[0], winners.shape[1], (int)winners.shape[2], (int)winners.shape[3]);
        var result = empty([batch, channels, height, width], ScalarType.Float32);
        var into = MemoryMarshal.Cast<byte, float>(result.bytes);
        var from = MemoryMarshal.Cast<byte, float>(gradient.Tensor.bytes);
        ReadOnlySpan<byte> codes = winners.bytes;
        var planes = batch * channels;
        for (var plane = 0L; plane < planes; plane++)
        {
            var planeStart = (int)(plane * height * width);
            for (var i = 0; i < rows; i++)
            {
                var top = into.Slice(planeStart + 2 * i * width, width);
                var bottom = into.Slice(planeStart + (2 * i + 1) * width, width);
                var at = (int)(plane * rows * columns + (long)i * columns);
                RouteRow(from.Slice(at, columns), codes.Slice(at, columns), top, bottom);
                if (width > 2 * columns)
                {
                    top[^1] = 0;
                    bottom[^1] = 0;
                }
            }
            if (height > 2 * rows)
                into.Slice(planeStart + (height - 1) * width, width).Clear();
        }
        return result;
    }

    // The loops below are branch-free (maxss through MaxNative, comparisons to integers, masks for the gradient):
    // with MathF.Max and conditional stores the random order of the values cost a branch misprediction in most windows
    // and made the pass slower than libtorch's. MaxNative does not propagate NaN, so a row holding one is redone with
    // MathF.Max.
    private static void MaxRow(ReadOnlySpan<float> top, ReadOnlySpan<float> bottom, Span<float> output, Span<byte> codes = default)
    {
        var keep = !codes.IsEmpty;
        var (done, nan) = Avx2.IsSupported ? PoolVectorized(top, bottom, output, codes) : (0, false);
        for (var j = done; j < output.Length; j++)
        {
            float a0 = top[2 * j], a1 = top[2 * j + 1], b0 = bottom[2 * j], b1 = bottom[2 * j + 1];
            output[j] = float.MaxNative(float.MaxNative(a0, b0), float.MaxNative(a1, b1));
            nan |= float.IsNaN(a0 + a1 + b0 + b1);
            if (keep)
            {
                // Strictly greater, as the tensor path's gt: the top row, then the left column, keep ties.
                var lowerLeft = Bit(b0 > a0);
                var lowerRight = Bit(b1 > a1);
                var right = Bit(float.MaxNative(a1, b1) > float.MaxNative(a0, b0));
                codes[j] = (byte)((((lowerRight - lowerLeft) * right + lowerLeft) << 1) | right);
            }
        }
        if (nan)
        {
            for (var j = 0; j < output.Length; j++)
                output[j] = MathF.Max(MathF.Max(top[2 * j], bottom[2 * j]), MathF.Max(top[2 * j + 1], bottom[2 * j + 1]));
        }
    }

    /// <summary>
    /// Maxima (and with <paramref name="codes"/> the winner codes) of four windows (eight columns of both rows) a step;
    /// returns how many windows it did, the caller doing the rest, and whether a NaN was among the values.
    /// </summary>
    private static (int Done, bool Nan) PoolVectorized(ReadOnlySpan<float> top, ReadOnlySpan<float> bottom, Span<float> output, Span<byte> codes)
    {
        var windows = 0;
        var even = Vector256.Create(0, 2, 4, 6, 0, 2, 4, 6);
        var ordered = Vector256<int>.AllBitsSet;
        for (; windows + 4 <= output.Length; windows += 4)
        {
            var upper = Vector256.Create(top.Slice(2 * windows, 8));
            var lower = Vector256.Create(bottom.Slice(2 * windows, 8));
            ordered &= (Vector256.Equals(upper, upper) & Vector256.Equals(lower, lower)).AsInt32();
            var rowMax = Vector256.MaxNative(upper, lower);
            // Swap neighbours within each pair of columns: lane 2k then holds column 2k+1.
            var swapped = Avx.Permute(rowMax, 0b10_11_00_01);
            Avx2.PermuteVar8x32(Vector256.MaxNative(rowMax, swapped), even).GetLower().CopyTo(output.Slice(windows, 4));
            if (codes.IsEmpty)
                continue;
            var lowerWins = Vector256.GreaterThan(lower, upper).AsInt32() & Vector256.Create(2);   // 2 where the lower row wins a column
            var rightWins = Vector256.GreaterThan(swapped, rowMax).AsInt32() & Vector256<int>.One;   // in even lanes
            var lowerSwapped = Avx.Permute(lowerWins.AsSingle(), 0b10_11_00_01).AsInt32();
            var chosenRow = Vector256.ConditionalSelect(Vector256.Equals(rightWins, Vector256<int>.One), lowerSwapped, lowerWins);
            var code = Avx2.PermuteVar8x32(chosenRow | rightWins, even);
            codes[windows] = (byte)code.GetElement(0);
            codes[windows + 1] = (byte)code.GetElement(1);
            codes[windows + 2] = (byte)code.GetElement(2);
            codes[windows + 3] = (byte)code.GetElement(3);
        }
        return (windows, ordered != Vector256<int>.AllBitsSet);
    }

    private static void RouteRow(ReadOnlySpan<float> gradient, ReadOnlySpan<byte> codes, Span<float> top, Span<float> bottom)
    {
        var done = Avx2.IsSupported ? RouteVectorized(gradient, codes, top, bottom) : 0;
        for (var j = done; j < gradient.Length; j++)
        {
            var g = BitConverter.SingleToInt32Bits(gradient[j]);
            int code = codes[j];
            top[2 * j] = BitConverter.Int32BitsToSingle(g & -Bit(code == 0));
            top[2 * j + 1] = BitConverter.Int32BitsToSingle(g & -Bit(code == 1));
            bottom[2 * j] = BitConverter.Int32BitsToSingle(g & -Bit(code == 2));
            bottom[2 * j + 1] = BitConverter.Int32BitsToSingle(g & -Bit(code == 3));
        }
    }

    /// <summary>The input gradients of four windows (eight columns of both rows) a step; returns how many windows it did.</summary>
    private static int RouteVectorized(ReadOnlySpan<float> gradient, ReadOnlySpan<byte> codes, Span<float> top, Span<float> bottom)
    {
        var windows = 0;
        var pairs = Vector256.Create(0, 0, 1, 1, 2, 2, 3, 3);
        var column = Vector256.Create(0, 1, 0, 1, 0, 1, 0, 1);
        var lowerColumn = column + Vector256.Create(2);
        for (; windows + 4 <= gradient.Length; windows += 4)
        {
            var g = Avx2.PermuteVar8x32(Vector256.Create(Vector128.Create(gradient.Slice(windows, 4)), Vector128<float>.Zero), pairs);
            var c = Avx2.PermuteVar8x32(Vector256.Create(codes[windows], codes[windows + 1], codes[windows + 2], codes[windows + 3], 0, 0, 0, 0), pairs);
            (g & Vector256.Equals(c, column).AsSingle()).CopyTo(top.Slice(2 * windows, 8));
            (g & Vector256.Equals(c, lowerColumn).AsSingle()).CopyTo(bottom.Slice(2 * windows, 8));
        }
        return windows;
    }

    /// <summary>1 or 0 without a branch (the JIT emits setcc for the conversion).</summary>
    private static int Bit(bool value) => System.Runtime.CompilerServices.Unsafe.As<bool, byte>(ref value);
}
