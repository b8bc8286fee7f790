using static TorchSharp.torch;

namespace Pretrain.Pretraining.Layers.Convolutions;

/// <summary>
/// <see cref="WindowSumPooling.Sum"/> with its gradient: every unit of a window gets the window's gradient. Apply it as
/// <c>apply(maps, pool)</c>.
/// </summary>
internal sealed class WindowSumFunction : autograd.SingleTensorFunction<WindowSumFunction>
{
    private const string PoolKey = "pool";

    /// <inheritdoc />
    public override string Name => "WindowSumPooling";

    /// <inheritdoc />
    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var (maps, pool) = ((Tensor)vars[0], (int)vars[1]);
        ctx.save_data(PoolKey, pool);
        return WindowUpsampling.WindowSums(maps, pool);
    }

    /// <inheritdoc />
    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output) =>
        [WindowUpsampling.Spread(grad_output, (int)ctx.get_data(PoolKey)), null!];  // one per apply argument
}
