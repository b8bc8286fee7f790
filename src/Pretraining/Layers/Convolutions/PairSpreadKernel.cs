using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Layers.Convolutions;

/// <summary>
/// Factor-2 nearest upsampling and its adjoint, the sums of 2x2 windows, for float32 CPU maps in one managed pass each
/// (<see cref="WindowUpsampling"/>; the conv autoencoder's decoder input and its gradient). The tensor path stacks
/// copies twice one way and adds strided slices twice the other; here each output value is written once, four at a time
/// in AVX2 where there is AVX2. The sums add in the tensor path's order (the two rows, then the two columns), so both
/// give the same bits. The conv-autoencoder loop went from 2,788 and 2,911 to 2,861 and 3,417 samples/s
/// (<c>loops --only f_conv_dae_block1</c>, alternating with the build before, session 14: within this machine's spread).
/// </summary>
internal static class PairSpreadKernel
{
    /// <summary>Whether <paramref name="maps"/> can take this path: factor 2, float32 [B, C, H, W] on the CPU, fewer than 2^31 values once spread.</summary>
    public static bool Applies(Tensor maps, int factor) =>
        factor == 2 && FloatMaps.Fit(maps, int.MaxValue / 4);

    /// <summary>Each value of <paramref name="maps"/> [B, C, h, w] as a 2x2 block: [B, C, 2h, 2w].</summary>
    public static Tensor Spread(Tensor maps)
    {
        using var source = FloatMaps.Contiguous(maps);
        var (batch, channels, rows, columns) = (maps.shape[0], maps.shape[1], (int)maps.shape[2], (int)maps.shape[3]);
        var result = empty([batch, channels, 2L * rows, 2L * columns], ScalarType.Float32);
        ReadOnlySpan<float> from = MemoryMarshal.Cast<byte, float>(source.Tensor.bytes);
        var into = MemoryMarshal.Cast<byte, float>(result.bytes);
        var lines = (int)(batch * channels * rows);
        for (var line = 0; line < lines; line++)
        {
            var input = from.Slice(line * columns, columns);
            var top = into.Slice(4 * line * columns, 2 * columns);
            var j = Avx2.IsSupported ? SpreadVectorized(input, top) : 0;
            for (; j < columns; j++)
                top[2 * j] = top[2 * j + 1] = input[j];
            top.CopyTo(into.Slice((4 * line + 2) * columns, 2 * columns));
        }
        return result;
    }

    /// <summary>The sums of the 2x2 windows of <paramref name="maps"/> [B, C, H, W] (a trailing odd row or column is left out): [B, C, H/2, W/2].</summary>
    public static Tensor Sums(Tensor maps)
    {
        using var source = FloatMaps.Contiguous(maps);
        var (batch, channels, height, width) = (maps.shape[0], maps.shape[1], (int)maps.shape[2], (int)maps.shape[3]);
        var (rows, columns) = (height / 2, width / 2);
        var result = empty([batch, channels, rows, columns], ScalarType.Float32);
        ReadOnlySpan<float> from = MemoryMarshal.Cast<byte, float>(source.Tensor.bytes);
        var into = MemoryMarshal.Cast<byte, float>(result.bytes);
        var planes = (int)(batch * channels);
        for (var plane = 0; plane < planes; plane++)
        {
            for (var i = 0; i < rows; i++)
            {
                var top = from.Slice(plane * height * width + 2 * i * width, width);
                var bottom = from.Slice(plane * height * width + (2 * i + 1) * width, width);
                var output = into.Slice((plane * rows + i) * columns, columns);
                var j = Avx2.IsSupported ? SumsVectorized(top, bottom, output) : 0;
                for (; j < columns; j++)
                    output[j] = (top[2 * j] + bottom[2 * j]) + (top[2 * j + 1] + bottom[2 * j + 1]);
            }
        }
        return result;
    }

    /// <summary>Four input values a step, each written twice into <paramref name="row"/>; returns how many it did.</summary>
    private static int SpreadVectorized(ReadOnlySpan<float> input, Span<float> row)
    {
        var pairs = Vector256.Create(0, 0, 1, 1, 2, 2, 3, 3);
        var j = 0;
        for (; j + 4 <= input.Length; j += 4)
            Avx2.PermuteVar8x32(Vector256.Create(Vector128.Create(input.Slice(j, 4)), Vector128<float>.Zero), pairs).CopyTo(row.Slice(2 * j, 8));
        return j;
    }

    /// <summary>Four windows (eight columns of both rows) a step; returns how many it did.</summary>
    private static int SumsVectorized(ReadOnlySpan<float> top, ReadOnlySpan<float> bottom, Span<float> output)
    {
        var even = Vector256.Create(0, 2, 4, 6, 0, 2, 4, 6);
        var j = 0;
        for (; j + 4 <= output.Length; j += 4)
        {
            var columnSums = Vector256.Create(top.Slice(2 * j, 8)) + Vector256.Create(bottom.Slice(2 * j, 8));
            // Lane 2k + its neighbour 2k+1, in that order as the scalar sum.
            var sums = columnSums + Avx.Permute(columnSums, 0b10_11_00_01);
            Avx2.PermuteVar8x32(sums, even).GetLower().CopyTo(output.Slice(j, 4));
        }
        return j;
    }
}
