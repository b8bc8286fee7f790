using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Runtime;

/// <summary>
/// Uniform [0, 1) draws for masks and samples in training loops (masking noise, dropout, binary units), determined by a
/// run's <see cref="Generator"/> like libtorch's <c>rand</c> but several times faster on the CPU.
/// </summary>
/// <remarks>
/// On the CPU each call takes two 62-bit seeds from the generator (one small libtorch draw) and fills
/// the tensor with <see cref="Xoshiro128Lanes"/> in place: a 128x784 batch in 0.14 ms against 0.70 ms for <c>rand</c>
/// (session 13's AVX2 machine, the call's allocation and seeding included). The same generator state therefore gives the same values every time, but not the values <c>rand</c>
/// would have given. On other devices the draws are libtorch's.
/// </remarks>
public static class UniformDraws
{
    /// <summary>A tensor of <paramref name="shape"/> and <paramref name="dtype"/> on <paramref name="device"/> of independent uniform [0, 1) values.</summary>
    public static Tensor Sample(long[] shape, Generator generator, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(generator);
        device ??= CPU;
        if (device.type != DeviceType.CPU)
            return rand(shape, generator: generator, device: device, dtype: dtype);
        var values = empty(shape, ScalarType.Float32);
        var count = values.numel();
        if (count > 0)
        {
            using var seeds = randint(1L << 62, [2], dtype: ScalarType.Int64, generator: generator);
            var pair = seeds.data<long>().ToArray();
            var lanes = new Xoshiro128Lanes(unchecked((ulong)pair[0] * 0x9E3779B97F4A7C15UL ^ (ulong)pair[1]));
            lanes.Fill(MemoryMarshal.Cast<byte, float>(values.bytes));
        }
        if (dtype == ScalarType.Float32)
            return values;
        using (values)
            return values.to(dtype);
    }
}
