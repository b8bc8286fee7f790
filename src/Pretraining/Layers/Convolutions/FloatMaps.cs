using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Layers.Convolutions;

/// <summary>
/// Feature maps as the managed kernels (<see cref="PairMaxKernel"/>, <see cref="PairSpreadKernel"/>) read them:
/// float32 [B, C, H, W] on the CPU, contiguous, small enough for spans indexed with int.
/// </summary>
internal static class FloatMaps
{
    /// <summary>Whether <paramref name="maps"/> is float32 [B, C, H, W] on the CPU with fewer than <paramref name="valueLimit"/> values.</summary>
    public static bool Fit(Tensor maps, long valueLimit) =>
        maps.dtype == ScalarType.Float32 && maps.device_type == DeviceType.CPU && maps.dim() == 4 && maps.numel() < valueLimit;

    /// <summary>
    /// <paramref name="maps"/> itself when it is contiguous float32, else a contiguous float32 copy that disposing the
    /// returned view releases (the caller's tensor is never disposed).
    /// </summary>
    public static ContiguousView Contiguous(Tensor maps)
    {
        if (maps.dtype == ScalarType.Float32 && maps.is_contiguous())
            return new ContiguousView(maps, owned: false);
        if (maps.dtype == ScalarType.Float32)
            return new ContiguousView(maps.contiguous(), owned: true);
        using var converted = maps.to(ScalarType.Float32);
        return new ContiguousView(converted.contiguous(), owned: true);
    }

    /// <summary>A contiguous float32 tensor, disposed at the end of the view only when it is a copy.</summary>
    internal readonly struct ContiguousView(Tensor tensor, bool owned) : IDisposable
    {
        /// <summary>The contiguous float32 maps.</summary>
        public Tensor Tensor { get; } = tensor;

        public void Dispose()
        {
            if (owned)
                Tensor.Dispose();
        }
    }
}
