using static TorchSharp.torch;

namespace Pretrain.Pretraining.Layers.Convolutions;

/// <summary>
/// Max-pooling over non-overlapping P x P windows (stride P, no padding; rows and columns that fill no window are
/// dropped), the values of <c>nn.functional.max_pool2d(maps, [P, P])</c>, computed as P - 1 elementwise maxima between
/// the windows' rows and then between their columns.
/// </summary>
/// <remarks>
/// Why not libtorch's <c>max_pool2d</c>: on NCHW float maps its CPU kernel runs a scalar loop that also writes int64
/// indices, and took 9.4 ms for one batch of [128, 32, 28, 28] ReLU maps here, against 0.2 ms for the ReLU before it and
/// 0.54 ms for the two elementwise maxima (two threads, means of 200 calls): a third of a convolutional autoencoder's
/// training step. With gradients, <see cref="WindowMaxFunction"/> keeps which row and which column of each window won
/// (one byte each) and gives the window's whole gradient to that element, as <c>max_pool2d</c> does; among equal maxima
/// it is the first row of a column and the first column of the window (<c>max_pool2d</c> takes the first in row-major
/// order, which can differ only between equal values, where either is a valid gradient).
/// </remarks>
public static class WindowMaxPooling
{
    /// <summary>
    /// The maxima of the P x P windows of <paramref name="maps"/> [B, C, H, W], [B, C, H / P, W / P] (floors); the maps
    /// themselves (an alias) when <paramref name="pool"/> is 1. Differentiable.
    /// </summary>
    /// <exception cref="ArgumentException">The maps are not 4-D, or smaller than one window.</exception>
    public static Tensor Pool(Tensor maps, int pool)
    {
        ArgumentNullException.ThrowIfNull(maps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pool);
        if (maps.dim() != 4 || maps.shape[2] < pool || maps.shape[3] < pool)
            throw new ArgumentException($"window max-pooling of {pool}x{pool} needs maps [B, C, H, W] at least that large; received [{string.Join(", ", maps.shape)}].", nameof(maps));
        if (pool == 1)
            return maps.alias();
        if (is_grad_enabled() && maps.requires_grad)
            return WindowMaxFunction.apply(maps, pool);
        if (PairMaxKernel.Applies(maps, pool))
            return PairMaxKernel.Forward(maps, keepWinners: false).Pooled;
        using var scope = NewDisposeScope();
        var (rows, _) = Reduce(Covered(maps, pool), pool, dim: 3, keepWinners: false);
        var (pooled, _) = Reduce(ColumnPairs(rows, pool), pool, dim: 4, keepWinners: false);
        return pooled.MoveToOuterDisposeScope();
    }

    /// <summary>The windows' part of <paramref name="maps"/> as [B, C, H / P, P, W / P * P] (a view: rows grouped by window).</summary>
    internal static Tensor Covered(Tensor maps, int pool)
    {
        var (batch, channels) = (maps.shape[0], maps.shape[1]);
        var (rows, columns) = (maps.shape[2] / pool, maps.shape[3] / pool * pool);
        var source = maps.is_contiguous() ? maps : maps.contiguous();
        return source.narrow(2, 0, rows * pool).narrow(3, 0, columns).view(batch, channels, rows, pool, columns);
    }

    /// <summary>Row maxima [B, C, H', W'] viewed as [B, C, H', W' / P, P]: columns grouped by window.</summary>
    internal static Tensor ColumnPairs(Tensor rowMaxima, int pool) =>
        rowMaxima.view(rowMaxima.shape[0], rowMaxima.shape[1], rowMaxima.shape[2], rowMaxima.shape[3] / pool, pool);

    /// <summary>
    /// The maximum over dimension <paramref name="dim"/> (of size <paramref name="pool"/>) by elementwise maxima, and,
    /// when asked, the index of the first slice holding it (bytes).
    /// </summary>
    internal static (Tensor Maxima, Tensor? Winners) Reduce(Tensor grouped, int pool, long dim, bool keepWinners)
    {
        var best = grouped.select(dim, 0);
        Tensor? winners = null;
        for (var i = 1; i < pool; i++)
        {
            var candidate = grouped.select(dim, i);
            if (keepWinners)
            {
                // Strictly greater: among equal values the earlier slice keeps the gradient. Byte arithmetic rather
                // than where/masked_fill, which were ten times slower here: w + (i - w) * better is i or w (mod 256).
                var better = candidate.gt(best).to(ScalarType.Byte);
                winners = winners is null ? (i == 1 ? better : better * i) : winners + (i - winners) * better;
            }
            best = maximum(best, candidate);
        }
        return (best, winners);
    }

    /// <summary>
    /// Spreads <paramref name="gradient"/> (of the maxima) back over dimension <paramref name="dim"/> of size
    /// <paramref name="pool"/>: each value to the slice <paramref name="winners"/> names, zeros in the others.
    /// </summary>
    internal static Tensor Route(Tensor gradient, Tensor winners, int pool, long dim)
    {
        var slices = new Tensor[pool];
        if (pool == 2)
        {
            slices[1] = gradient * winners;
            slices[0] = gradient - slices[1];
        }
        else
        {
            for (var i = 0; i < pool; i++)
                slices[i] = gradient * winners.eq(i);
        }
        return stack(slices, dim);
    }
}
