using static TorchSharp.torch;

namespace Pretrain.Pretraining.Layers.Convolutions;

/// <summary>
/// Nearest-neighbour upsampling by a whole factor P: each value of [B, C, h, w] copied over a P x P window of
/// [B, C, h*P, w*P], the values of <c>nn.functional.interpolate(x, size: [h*P, w*P], mode: Nearest)</c>.
/// </summary>
/// <remarks>
/// Why not libtorch's <c>interpolate</c>: its CPU kernels for this took 3 ms forward and 2 ms backward on one batch of a
/// convolutional autoencoder's [128, 32, 14, 14] pooled maps here; copies by <c>stack</c> and a backward pass of
/// elementwise sums over the windows' rows and columns (<see cref="NearestUpsamplingFunction"/>) do the same in a
/// fraction. <see cref="WindowSumPooling"/> is the same pair the other way round.
/// </remarks>
public static class WindowUpsampling
{
    /// <summary>[B, C, h, w] to [B, C, h*<paramref name="factor"/>, w*<paramref name="factor"/>]. Differentiable.</summary>
    /// <exception cref="ArgumentException">The input is not 4-D.</exception>
    public static Tensor Nearest(Tensor maps, int factor)
    {
        ArgumentNullException.ThrowIfNull(maps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(factor);
        if (maps.dim() != 4)
            throw new ArgumentException($"nearest upsampling needs maps [B, C, H, W]; received [{string.Join(", ", maps.shape)}].", nameof(maps));
        if (factor == 1)
            return maps.alias();
        if (is_grad_enabled() && maps.requires_grad)
            return NearestUpsamplingFunction.apply(maps, factor);
        return Spread(maps, factor);
    }

    /// <summary>The copies, without gradient bookkeeping.</summary>
    internal static Tensor Spread(Tensor maps, int factor)
    {
        if (PairSpreadKernel.Applies(maps, factor))
            return PairSpreadKernel.Spread(maps);
        using var scope = NewDisposeScope();
        var (batch, channels, rows, columns) = (maps.shape[0], maps.shape[1], maps.shape[2], maps.shape[3]);
        var copies = new Tensor[factor];
        Array.Fill(copies, maps);
        // [B, C, h, w] -> [B, C, h, w, P] -> [B, C, h, w*P]: each value repeated along its row.
        var wide = stack(copies, 4).view(batch, channels, rows, columns * factor);
        Array.Fill(copies, wide);
        // [B, C, h, w*P] -> [B, C, h, P, w*P] -> [B, C, h*P, w*P]: each row repeated.
        return stack(copies, 3).view(batch, channels, rows * factor, columns * factor).MoveToOuterDisposeScope();
    }

    /// <summary>The sums of the P x P windows of <paramref name="maps"/> [B, C, h*P, w*P], [B, C, h, w]: the backward pass of <see cref="Spread"/>.</summary>
    internal static Tensor WindowSums(Tensor maps, int factor)
    {
        if (PairSpreadKernel.Applies(maps, factor))
            return PairSpreadKernel.Sums(maps);
        using var scope = NewDisposeScope();
        var source = maps.is_contiguous() ? maps : maps.contiguous();
        var (batch, channels, rows, columns) = (source.shape[0], source.shape[1], source.shape[2] / factor, source.shape[3] / factor);
        var byRows = source.view(batch, channels, rows, factor, columns * factor);
        var rowSums = byRows.select(3, 0);
        for (var i = 1; i < factor; i++)
            rowSums = rowSums + byRows.select(3, i);
        var byColumns = rowSums.view(batch, channels, rows, columns, factor);
        var sums = byColumns.select(4, 0);
        for (var i = 1; i < factor; i++)
            sums = sums + byColumns.select(4, i);
        return sums.MoveToOuterDisposeScope();
    }
}
