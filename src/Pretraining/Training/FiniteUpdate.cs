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
        using var noGrad = no_grad();
        var gradients = parameters.Select(p => p.grad).OfType<Tensor>().ToList();
        // Fast path, one reduction a tensor and one synchronisation (a read of a CUDA value waits for the device): a sum
        // is NaN or infinite whenever one of its terms is, so a finite total proves every value finite. A test per
        // tensor (isfinite, all, read) writes a mask of every value and waits once a tensor: several times slower.
        // Conversions only where needed: on a small head each tensor operation costs more than its arithmetic.
        var terms = new List<Tensor>(gradients.Count + 1) { AsFloat32On(loss.sum(), loss.device) };
        terms.AddRange(gradients.Select(g => AsFloat32On(g.sum(), loss.device)));
        var total = stack(terms).sum();
        if (float.IsFinite(total.item<float>()))
            return true;
        // The total can also overflow with every value finite: then decide value by value.
        return float.IsFinite(loss.item<float>()) && gradients.All(g => g.isfinite().all().item<bool>());
    }

    private static Tensor AsFloat32On(Tensor value, Device device) =>
        value.dtype == ScalarType.Float32 && value.device_type == device.type && value.device_index == device.index
            ? value : value.to(ScalarType.Float32).to(device);
}
