using static TorchSharp.torch;

namespace Pretrain.Pretraining.Layers.Convolutions;

/// <summary>
/// The sums of non-overlapping P x P windows, [B, C, H, W] to [B, C, H / P, W / P] for maps made of whole windows:
/// <c>avg_pool2d(maps, [P, P]) * P * P</c> by elementwise additions of the windows' rows and then columns, which took a
/// sixth of <c>avg_pool2d</c>'s time here (see <see cref="WindowUpsampling"/>, whose backward pass this is).
/// </summary>
public static class WindowSumPooling
{
    /// <summary>The window sums of <paramref name="maps"/>. Differentiable: each unit's gradient is its window's.</summary>
    /// <exception cref="ArgumentException">The maps are not 4-D or not made of whole windows.</exception>
    public static Tensor Sum(Tensor maps, int pool)
    {
        ArgumentNullException.ThrowIfNull(maps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pool);
        if (maps.dim() != 4 || maps.shape[2] % pool != 0 || maps.shape[3] % pool != 0)
            throw new ArgumentException($"window sums of {pool}x{pool} need maps [B, C, H, W] with sides that are multiples of {pool}; received [{string.Join(", ", maps.shape)}].", nameof(maps));
        if (pool == 1)
            return maps.alias();
        if (is_grad_enabled() && maps.requires_grad)
            return WindowSumFunction.apply(maps, pool);
        return WindowUpsampling.WindowSums(maps, pool);
    }
}
