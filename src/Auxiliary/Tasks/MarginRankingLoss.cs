using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Tasks;

/// <summary>
/// The pairwise ranking criterion of Collobert and Weston's language models: a good instance must score at least
/// <c>margin</c> above its corrupted copy, loss = mean over pairs of max(0, margin - s(good) + s(corrupted)).
/// </summary>
public static class MarginRankingLoss
{
    /// <summary>The mean hinge loss over pairs; <paramref name="good"/> and <paramref name="corrupted"/> are scores of equal shape.</summary>
    public static Tensor Compute(Tensor good, Tensor corrupted, double margin)
    {
        ArgumentNullException.ThrowIfNull(good);
        ArgumentNullException.ThrowIfNull(corrupted);
        if (!good.shape.SequenceEqual(corrupted.shape))
            throw new ArgumentException($"ranking loss: scores of good [{string.Join(", ", good.shape)}] and corrupted [{string.Join(", ", corrupted.shape)}] instances must have the same shape.");
        if (!(margin > 0))
            throw new ArgumentException($"ranking loss: the margin must be positive, received {margin}.");
        return (corrupted - good + margin).clamp_min(0).mean();
    }
}
