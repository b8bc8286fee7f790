using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Layers.Autoencoders;

/// <summary>The losses of autoencoder layers, as plain functions of tensors so they can be checked by hand.</summary>
public static class AutoencoderPenalties
{
    /// <summary>
    /// Reconstruction loss summed over features and averaged over the batch. <paramref name="decoderPreActivation"/>
    /// is the decoder's output before its nonlinearity (logits for cross-entropy, the value itself for squared error).
    /// </summary>
    public static Tensor Reconstruction(ReconstructionLoss loss, Tensor decoderPreActivation, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(decoderPreActivation);
        ArgumentNullException.ThrowIfNull(target);
        // A scalar made and disposed here rather than an implicit one left to the finalizer (AutoencoderBackward says why).
        using var batch = ((double)target.shape[0]).ToScalar();
        using var scope = NewDisposeScope();
        return (loss switch
        {
            // The logits form is numerically stable where log(sigmoid(z)) is not.
            ReconstructionLoss.BinaryCrossEntropy => nn.functional.binary_cross_entropy_with_logits(decoderPreActivation, target, reduction: nn.Reduction.Sum).div(batch),
            ReconstructionLoss.MeanSquaredError => (decoderPreActivation - target).square().sum().div(batch),
            _ => throw new ArgumentOutOfRangeException(nameof(loss), loss, "unknown loss"),
        }).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Sparsity penalty: sum over hidden units j of KL(rho || rho_hat_j), where rho_hat_j is unit j's mean activation
    /// over the batch. <paramref name="hidden"/> holds sigmoid activations in (0, 1).
    /// </summary>
    public static Tensor SparsityKl(Tensor hidden, double rho)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        using var scope = NewDisposeScope();
        var mean = hidden.mean([0]).clamp(1e-7, 1 - 1e-7);
        var kl = rho * (rho / mean).log() + (1 - rho) * ((1 - rho) / (1 - mean)).log();
        return kl.sum().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Contractive penalty for sigmoid units: the squared Frobenius norm of the encoder's Jacobian dh/dx, averaged over
    /// the batch. For h = sigmoid(W x + b), J_ji = h_j (1 - h_j) W_ji, so ||J||^2 = sum_j (h_j (1 - h_j))^2 sum_i W_ji^2.
    /// </summary>
    public static Tensor ContractiveSigmoid(Tensor hidden, Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        ArgumentNullException.ThrowIfNull(weight);
        using var scope = NewDisposeScope();
        var slope = (hidden * (1 - hidden)).square();             // [B, H]
        var rowNorms = weight.square().sum([1]);                  // [H]
        return (slope * rowNorms).sum([1]).mean().MoveToOuterDisposeScope();
    }
}
