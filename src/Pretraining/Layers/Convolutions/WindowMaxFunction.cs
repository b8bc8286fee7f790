using static TorchSharp.torch;

namespace Pretrain.Pretraining.Layers.Convolutions;

/// <summary>
/// <see cref="WindowMaxPooling.Pool"/> with its gradient: the forward pass keeps, per window, which row won in each of
/// its columns and which column won (one byte each); the backward pass gives each window's gradient to that element and
/// zeros to the rest, and zeros to rows and columns that fill no window. Apply it as <c>apply(maps, pool)</c>.
/// </summary>
internal sealed class WindowMaxFunction : autograd.SingleTensorFunction<WindowMaxFunction>
{
    private const string PoolKey = "pool";
    private const string HeightKey = "height";
    private const string WidthKey = "width";

    /// <inheritdoc />
    public override string Name => "WindowMaxPooling";

    /// <inheritdoc />
    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var (maps, pool) = ((Tensor)vars[0], (int)vars[1]);
        ctx.save_data(PoolKey, pool);
        ctx.save_data(HeightKey, maps.shape[2]);
        ctx.save_data(WidthKey, maps.shape[3]);
        if (PairMaxKernel.Applies(maps, pool))
        {
            var (maxima, winners) = PairMaxKernel.Forward(maps, keepWinners: true);
            ctx.save_for_backward([winners!]);
            return maxima;
        }
        var (rows, rowWinners) = WindowMaxPooling.Reduce(WindowMaxPooling.Covered(maps, pool), pool, dim: 3, keepWinners: true);
        var (pooled, columnWinners) = WindowMaxPooling.Reduce(WindowMaxPooling.ColumnPairs(rows, pool), pool, dim: 4, keepWinners: true);
        // Saved tensors are held by the autograd graph, not by these wrappers, so the caller's dispose scope may free the wrappers.
        ctx.save_for_backward([rowWinners!, columnWinners!]);
        return pooled;
    }

    /// <inheritdoc />
    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
    {
        var saved = ctx.get_saved_variables();
        var pool = (int)ctx.get_data(PoolKey);
        var (height, width) = ((long)ctx.get_data(HeightKey), (long)ctx.get_data(WidthKey));
        if (saved.Count == 1)
            return [PairMaxKernel.Backward(grad_output, saved[0], (int)height, (int)width), null!];
        var (rowWinners, columnWinners) = (saved[0], saved[1]);
        var (batch, channels, rows) = (grad_output.shape[0], grad_output.shape[1], grad_output.shape[2]);
        // [B, C, H', W'] -> [B, C, H', W', P] -> [B, C, H', W'*P] -> [B, C, H', P, W'*P] -> [B, C, H'*P, W'*P].
        var columns = WindowMaxPooling.Route(grad_output.contiguous(), columnWinners, pool, dim: 4).view(batch, channels, rows, -1);
        var covered = WindowMaxPooling.Route(columns, rowWinners, pool, dim: 3).view(batch, channels, rows * pool, -1);
        var gradient = covered.shape[2] == height && covered.shape[3] == width
            ? covered
            : nn.functional.pad(covered, [0, width - covered.shape[3], 0, height - covered.shape[2]]);
        return [gradient, null!];  // one per apply argument
    }
}
