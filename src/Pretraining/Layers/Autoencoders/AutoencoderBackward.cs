using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Layers.Autoencoders;

/// <summary>
/// An autoencoder layer's training loss with its gradients derived by hand and written into the parameters'
/// <c>grad</c>, in place of autograd's backward pass.
/// </summary>
/// <remarks>
/// Why not autograd: a batch of a tied 784-500 layer is five matrix products and a few elementwise passes. By hand the
/// output gradient of cross-entropy on logits is one pass, <c>(sigmoid(z) - x) / B</c>, where autograd runs the
/// loss's and the sigmoid's backward kernels apart, and a tied weight's two gradient products
/// <c>h^T dz2 + dz1^T x~</c> are one product of the stacked factors, <c>[h; dz1]^T [dz2; x~]</c>, with twice the inner
/// dimension, where autograd makes two and adds the decoder's transposed one into the encoder's. The float32 epoch
/// of the benchmark layer gained about 1.1x (benchmarks/README.md, session 22). The contractive penalty, whose
/// gradient reaches W through the Jacobian's norm, stays with autograd (<see cref="Covers"/>);
/// <c>AutoencoderBackwardTests</c> hold every covered setting to autograd's gradients.
/// </remarks>
internal static class AutoencoderBackward
{
    /// <summary>Whether <see cref="Run"/> handles a layer with <paramref name="options"/> (all but contractive ones).</summary>
    public static bool Covers(AutoencoderOptions options) => options.ContractiveWeight == 0;

    /// <summary>
    /// The loss of reconstructing <paramref name="clean"/> [B, D] from <paramref name="corrupted"/>, as
    /// <see cref="AutoencoderModel.Loss"/> defines it (total, then the reconstruction part), with every parameter's
    /// gradient of the total set; no autograd graph is built.
    /// </summary>
    public static (Tensor Total, Tensor Reconstruction) Run(AutoencoderModel model, AutoencoderOptions options, Tensor clean, Tensor corrupted)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var batch = clean.shape[0];
        // Scalars made here and disposed here: an implicit one per operation is freed only by the finalizer, and
        // thousands of those small native blocks between collections fragment the heap the batch buffers come from.
        using var batchSize = ((double)batch).ToScalar();
        using var one = 1.0.ToScalar();
        using var zero = 0.0.ToScalar();
        using var twoOverBatch = (2.0 / batch).ToScalar();
        var precision = options.Precision == Precision.BFloat16 ? ScalarType.BFloat16 : ScalarType.Float32;
        Tensor InProducts(Tensor t) => t.dtype == precision ? t : t.to(precision);
        Tensor InFloat32(Tensor t) => t.dtype == ScalarType.Float32 ? t : t.to(ScalarType.Float32);

        // Forward. W [H, D] encodes; the decoder is W^T when tied, else its own [D, H] matrix.
        var weight = InProducts(model.Weight);
        var decoderWeight = model.DecoderWeight is null ? null : InProducts(model.DecoderWeight);
        var input = InProducts(corrupted);
        var hidden = options.Activation.Apply(InFloat32(mm(input, weight.t())).add_(model.Bias));
        var hiddenInProducts = InProducts(hidden);
        var logits = InFloat32(decoderWeight is null ? mm(hiddenInProducts, weight) : mm(hiddenInProducts, decoderWeight.t())).add_(model.DecoderBias);
        var reconstruction = AutoencoderPenalties.Reconstruction(options.Loss, logits, clean);
        var total = reconstruction;
        if (options.SparsityTarget is double rho)
            total = total + options.SparsityWeight * AutoencoderPenalties.SparsityKl(hidden, rho);

        // Backward. Both losses are sums over features averaged over the batch.
        var logitsGradient = options.Loss switch
        {
            ReconstructionLoss.BinaryCrossEntropy => logits.sigmoid().sub_(clean).div_(batchSize),
            ReconstructionLoss.MeanSquaredError => (logits - clean).mul_(twoOverBatch),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Loss, "unknown loss"),
        };
        var logitsGradientInProducts = InProducts(logitsGradient);
        var hiddenGradient = InFloat32(mm(logitsGradientInProducts, decoderWeight ?? weight.t()));
        if (options.SparsityTarget is double target)
            hiddenGradient.add_(SparsityGradient(hidden, target, options.SparsityWeight));
        var preActivationGradient = hiddenGradient.mul_(ActivationSlope(options.Activation, hidden, one, zero));
        var preActivationGradientInProducts = InProducts(preActivationGradient);

        Tensor weightGradient;
        if (decoderWeight is null)
        {
            // d/dW of the encoder's x~ W^T and the decoder's h W, in one product of the stacked factors.
            weightGradient = mm(cat([hiddenInProducts, preActivationGradientInProducts], 0).t(), cat([logitsGradientInProducts, input], 0));
        }
        else
        {
            weightGradient = mm(preActivationGradientInProducts.t(), input);
            Assign(model.DecoderWeight!, InFloat32(mm(logitsGradientInProducts.t(), hiddenInProducts)));
        }
        Assign(model.Weight, InFloat32(weightGradient));
        Assign(model.Bias, preActivationGradient.sum([0]));
        Assign(model.DecoderBias, logitsGradient.sum([0]));
        // Without a penalty the two are one tensor, which must be moved out once: a second move would take it past the
        // caller's scope as well, to be freed by the finalizer.
        var movedReconstruction = reconstruction.MoveToOuterDisposeScope();
        return (ReferenceEquals(total, reconstruction) ? movedReconstruction : total.MoveToOuterDisposeScope(), movedReconstruction);
    }

    /// <summary>d(weight * KL)/dh for <see cref="AutoencoderPenalties.SparsityKl"/>, the same for every row of the batch.</summary>
    private static Tensor SparsityGradient(Tensor hidden, double rho, double weight)
    {
        var mean = hidden.mean([0]);
        // The penalty clamps the mean into (1e-7, 1 - 1e-7); outside it the mean has no gradient, as under autograd.
        var inside = mean.gt(1e-7).logical_and_(mean.lt(1 - 1e-7));
        var clamped = mean.clamp(1e-7, 1 - 1e-7);
        var slope = (1 - rho) / (1 - clamped) - rho / clamped;
        return slope.mul_(inside).mul_(weight / hidden.shape[0]);
    }

    /// <summary>The activation's derivative, written from its output <paramref name="hidden"/>.</summary>
    private static Tensor ActivationSlope(EncoderActivation activation, Tensor hidden, Scalar one, Scalar zero) => activation switch
    {
        EncoderActivation.Sigmoid => hidden - hidden.square(),
        EncoderActivation.Tanh => hidden.square().neg_().add_(one),
        EncoderActivation.Relu => hidden.gt(zero).to(hidden.dtype),
        EncoderActivation.Linear => ones_like(hidden),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "unknown activation"),
    };

    /// <summary>Sets <paramref name="parameter"/>'s gradient; the parameter keeps it past this batch's dispose scope.</summary>
    private static void Assign(Tensor parameter, Tensor gradient) => parameter.grad = gradient;
}
