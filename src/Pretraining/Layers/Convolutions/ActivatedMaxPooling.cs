using static TorchSharp.torch;

namespace Pretrain.Pretraining.Layers.Convolutions;

/// <summary>
/// A convolutional block's activation followed by max-pooling, <c>pool(activation(x))</c>. For ReLU it pools first:
/// ReLU is non-decreasing, so the largest of a window's rectified values is the rectified largest value, and the
/// winners (hence the gradients) are the same; the activation and its gradient then touch one value in P² instead of
/// all of them. Other activations run in the written order, because rounding can tie saturated values (sigmoid, tanh)
/// that were distinct before, and then a different winner would take the gradient.
/// </summary>
public static class ActivatedMaxPooling
{
    /// <summary>
    /// <paramref name="activation"/> applied to <paramref name="preActivation"/> [B, C, H, W], then max-pooled over
    /// non-overlapping <paramref name="pool"/> x <paramref name="pool"/> windows (<see cref="WindowMaxPooling"/>; no
    /// pooling when <paramref name="pool"/> is 1). Differentiable.
    /// </summary>
    public static Tensor Apply(Tensor preActivation, EncoderActivation activation, int pool)
    {
        ArgumentNullException.ThrowIfNull(preActivation);
        if (pool <= 1)
            return activation.Apply(preActivation);
        if (PoolsFirst(activation))
        {
            using var pooled = WindowMaxPooling.Pool(preActivation, pool);
            return activation.Apply(pooled);
        }
        using var activated = activation.Apply(preActivation);
        return WindowMaxPooling.Pool(activated, pool);
    }

    /// <summary>Whether pooling before <paramref name="activation"/> gives exactly the values and gradients of pooling after it.</summary>
    public static bool PoolsFirst(EncoderActivation activation) => activation is EncoderActivation.Relu or EncoderActivation.Linear;
}
