using Pretrain.Pretraining.Layers.Convolutions;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Layers.ConvRbm;

/// <summary>
/// The convolutional RBM's CD gradient estimate: positive minus negative statistics, each averaged over its batch and
/// over positions (hidden positions for the kernels and filter biases, pixels for the channel biases), so the learning
/// rate means what it means for a dense RBM whatever the image size. Up to those averages, each statistic is minus
/// the gradient of the free energy: for the kernels, sum over positions of p(h | v) times the input patch under the
/// kernel, which is the correlation of the input with the hidden maps (<see cref="RepeatableConvolution.KernelCorrelation"/>).
/// </summary>
public static class ConvRbmGradient
{
    /// <summary>
    /// (dW [K, C, k, k], dc [K], db [C]) from data <paramref name="v0"/> [B, C, H, W] with p(h | data)
    /// <paramref name="h0"/> [B, K, H1, W1], and the negative phase <paramref name="vk"/> [B', C, H, W] with
    /// <paramref name="hk"/> [B', K, H1, W1].
    /// </summary>
    public static (Tensor Weight, Tensor HiddenBias, Tensor VisibleBias) Of(Tensor v0, Tensor h0, Tensor vk, Tensor hk, int kernel, int padding)
    {
        ArgumentNullException.ThrowIfNull(v0);
        ArgumentNullException.ThrowIfNull(h0);
        ArgumentNullException.ThrowIfNull(vk);
        ArgumentNullException.ThrowIfNull(hk);
        using var scope = NewDisposeScope();
        var positive = Statistics(v0, h0, kernel, padding);
        var negative = Statistics(vk, hk, kernel, padding);
        var weight = positive.Weight - negative.Weight;
        return (weight.MoveToOuterDisposeScope(), (positive.Hidden - negative.Hidden).MoveToOuterDisposeScope(),
            (positive.Visible - negative.Visible).MoveToOuterDisposeScope());
    }

    private static (Tensor Weight, Tensor Hidden, Tensor Visible) Statistics(Tensor v, Tensor h, int kernel, int padding)
    {
        var averagedOver = h.shape[0] * h.shape[2] * h.shape[3];
        var weight = RepeatableConvolution.KernelCorrelation(v, h, kernel, 1, padding) / averagedOver;
        return (weight, h.mean([0, 2, 3]), v.mean([0, 2, 3]));
    }
}
