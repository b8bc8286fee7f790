using static TorchSharp.torch;

namespace Pretrain.Pretraining.Training;

/// <summary>
/// Whether a batch's optimizer step may be taken: its loss and every gradient are finite. One non-finite batch would
/// poison every weight for good (Adam spreads a NaN to all later steps), so trainers skip such a batch and count it
/// (<c>skippedBatches</c>) instead of applying it. Rare NaN batches were seen in convolutional training without any
/// trend in the loss before them (a contrastive run lost all its weights at epoch 8 of 16 that way).
/// </summary>
public static class FiniteUpdate
{
    /// <summary>True when <paramref name="loss"/> and the gradients of <paramref name="parameters"/> are all finite.</summary>
    public static bool Allowed(Tensor loss, IEnumerable<Tensor> parameters)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(parameters);
        using var scope = NewDisposeScope();
        return float.IsFinite(loss.item<float>()) && parameters.All(p => p.grad is not { } grad || grad.isfinite().all().item<bool>());
    }
}
