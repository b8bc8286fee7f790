using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Tasks;

/// <summary>
/// Hadsell, Chopra and LeCun's contrastive loss on embedding distances d: same pairs pay d^2, different pairs pay
/// max(0, margin - d)^2; the mean over pairs, halved.
/// </summary>
public static class ContrastiveLoss
{
    /// <summary>The loss for distances <paramref name="distance"/> and 0/1 <paramref name="same"/> labels.</summary>
    public static Tensor Compute(Tensor distance, Tensor same, double margin)
    {
        ArgumentNullException.ThrowIfNull(distance);
        ArgumentNullException.ThrowIfNull(same);
        if (!(margin > 0))
            throw new ArgumentException($"contrastive loss: the margin must be positive, received {margin}.");
        var pull = same * distance.square();
        var push = (1 - same) * (margin - distance).clamp_min(0).square();
        return (pull + push).mean() * 0.5;
    }
}
