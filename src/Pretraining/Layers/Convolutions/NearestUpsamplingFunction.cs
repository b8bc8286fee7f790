using static TorchSharp.torch;

namespace Pretrain.Pretraining.Layers.Convolutions;

/// <summary>
/// <see cref="WindowUpsampling.Nearest"/> with its gradient: each input value's gradient is the sum of the gradients of
/// its P x P copies. Apply it as <c>apply(maps, factor)</c>.
/// </summary>
internal sealed class NearestUpsamplingFunction : autograd.SingleTensorFunction<NearestUpsamplingFunction>
{
    private const string FactorKey = "factor";

    /// <inheritdoc />
    public override string Name => "WindowUpsampling";

    /// <inheritdoc />
    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var (maps, factor) = ((Tensor)vars[0], (int)vars[1]);
        ctx.save_data(FactorKey, factor);
        return WindowUpsampling.Spread(maps, factor);
    }

    /// <inheritdoc />
    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output) =>
        [WindowUpsampling.WindowSums(grad_output, (int)ctx.get_data(FactorKey)), null!];  // one per apply argument
}
