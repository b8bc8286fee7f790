using Pretrain.Pretraining.Runtime;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Layers.Rbm;

/// <summary>
/// The parameters and conditional distributions of a restricted Boltzmann machine: weights W [H, V] (PyTorch's
/// [out, in] convention), hidden bias c [H], visible bias b [V]. Energy E(v, h) = -h W v - c h - b v for Bernoulli
/// visible units, and ||v - b||^2 / 2 - h W v - c h for unit-variance Gaussian ones. Owns its tensors, which are
/// updated in place by <see cref="ContrastiveDivergence"/> (no autograd).
/// </summary>
public sealed class RbmModel : IRbmModel, IDisposable
{
    private Tensor? _heldWeight;

    /// <summary>Wraps the given parameters (ownership moves here).</summary>
    public RbmModel(Tensor weight, Tensor hiddenBias, Tensor visibleBias, VisibleUnits visible, Precision precision = Precision.Float32)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(hiddenBias);
        ArgumentNullException.ThrowIfNull(visibleBias);
        Weight = weight.DetachFromDisposeScope();
        HiddenBias = hiddenBias.DetachFromDisposeScope();
        VisibleBias = visibleBias.DetachFromDisposeScope();
        Visible = visible;
        Precision = precision;
    }

    /// <summary>W [H, V].</summary>
    public Tensor Weight { get; }

    /// <summary>c [H].</summary>
    public Tensor HiddenBias { get; }

    /// <summary>b [V].</summary>
    public Tensor VisibleBias { get; }

    /// <summary>The visible unit type.</summary>
    public VisibleUnits Visible { get; }

    /// <summary>Precision of the matrix products.</summary>
    public Precision Precision { get; }

    /// <summary>The parameters by name, for early-stopping snapshots.</summary>
    public IReadOnlyDictionary<string, Tensor> State =>
        new Dictionary<string, Tensor> { ["weight"] = Weight, ["hidden.bias"] = HiddenBias, ["visible.bias"] = VisibleBias };

    /// <summary>p(h = 1 | v) = sigmoid(v W^T + c), [B, H].</summary>
    public Tensor HiddenProbabilities(Tensor visible) => Affine(HiddenBias, visible, transposed: true).sigmoid_();

    /// <summary>E[v | h]: sigmoid(h W + b) for Bernoulli units, h W + b for Gaussian ones, [B, V].</summary>
    public Tensor VisibleMean(Tensor hidden)
    {
        var preActivation = Affine(VisibleBias, hidden, transposed: false);
        return Visible == VisibleUnits.Bernoulli ? preActivation.sigmoid_() : preActivation;
    }

    /// <summary>
    /// In bfloat16, converts the weights once for every product until the scope ends (a CD-1 step has three of them);
    /// in float32 there is nothing to convert.
    /// </summary>
    public IDisposable HoldWeights() =>
        Precision == Precision.Float32 ? NothingHeld.Instance : new HeldWeights(this);

    /// <inheritdoc />
    public Tensor SampleHidden(Tensor probabilities, Generator generator) => SampleBinary(probabilities, generator);

    /// <inheritdoc />
    /// <remarks>
    /// In bfloat16 the weight statistics, two products as large as the Gibbs chain's, run as one bfloat16 product of the
    /// positive and negative rows stacked ([H, B + B'] by [B + B', V], each row scaled by its phase's 1/B or -1/B'),
    /// accumulated in float32 by the kernel and rounded to bfloat16 once: a relative error of about 0.4% of each
    /// entry, far under the sampling noise of the estimate itself.
    /// </remarks>
    public (Tensor Weight, Tensor HiddenBias, Tensor VisibleBias) Gradient(Tensor v0, Tensor h0, Tensor vk, Tensor hk)
    {
        if (Precision == Precision.Float32)
            return ContrastiveDivergence.Gradient(v0, h0, vk, hk);
        ArgumentNullException.ThrowIfNull(v0);
        ArgumentNullException.ThrowIfNull(h0);
        ArgumentNullException.ThrowIfNull(vk);
        ArgumentNullException.ThrowIfNull(hk);
        Tensor weight;
        using (var scope = NewDisposeScope())
        {
            var hidden = cat([h0, hk], 0).to(ScalarType.BFloat16);
            var visible = cat([v0 * (1.0 / v0.shape[0]), vk * (-1.0 / vk.shape[0])], 0).to(ScalarType.BFloat16);
            weight = hidden.t().mm(visible).to(ScalarType.Float32).MoveToOuterDisposeScope();
        }
        return (weight, h0.mean([0]) - hk.mean([0]), v0.mean([0]) - vk.mean([0]));
    }

    /// <inheritdoc />
    public Tensor MeanActivation(Tensor hidden)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        return hidden.mean([0]);
    }

    /// <summary>A sample of binary units with probabilities <paramref name="probabilities"/>.</summary>
    public static Tensor SampleBinary(Tensor probabilities, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        // In place: the uniform draws become the 0/1 states, one tensor instead of three.
        return UniformDraws.Sample(probabilities.shape, generator, probabilities.device, probabilities.dtype).lt_(probabilities);
    }

    /// <summary>A sample of the visible units given their mean: Bernoulli draws, or mean plus unit Gaussian noise.</summary>
    public Tensor SampleVisible(Tensor mean, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(mean);
        if (Visible == VisibleUnits.Bernoulli)
            return SampleBinary(mean, generator);
        using var noise = randn(mean.shape, generator: generator, device: mean.device);
        return mean + noise;
    }

    /// <summary>
    /// Free energy F(v) = -log sum_h exp(-E(v, h)), [B]: -v.b - sum_j softplus(c_j + W_j v) for Bernoulli visible units,
    /// ||v - b||^2 / 2 - sum_j softplus(c_j + W_j v) for Gaussian ones.
    /// </summary>
    public Tensor FreeEnergy(Tensor visible)
    {
        ArgumentNullException.ThrowIfNull(visible);
        using var scope = NewDisposeScope();
        var hiddenTerm = nn.functional.softplus(MatMul(visible, transposed: true) + HiddenBias).sum([1]);
        var visibleTerm = Visible == VisibleUnits.Bernoulli
            ? -(visible * VisibleBias).sum([1])
            : 0.5 * (visible - VisibleBias).square().sum([1]);
        return (visibleTerm - hiddenTerm).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Weight.Dispose();
        HiddenBias.Dispose();
        VisibleBias.Dispose();
    }

    // bias + a W^T (or a W) as one addmm in float32 (no separate product and sum tensors: the RBM step is short, so
    // each extra tensor per batch shows in its throughput).
    private Tensor Affine(Tensor bias, Tensor a, bool transposed) =>
        Precision == Precision.Float32
            ? addmm(bias, a, transposed ? Weight.t() : Weight, beta: 1, alpha: 1)
            : MatMul(a, transposed).add_(bias);

    /// <summary>a W^T or a W, in float32; in bfloat16 on the held conversion of W when there is one.</summary>
    private Tensor MatMul(Tensor a, bool transposed)
    {
        if (Precision == Precision.Float32)
            return a.matmul(transposed ? Weight.t() : Weight);
        using var scope = NewDisposeScope();
        var weight = _heldWeight ?? Weight.to(ScalarType.BFloat16);
        return a.to(ScalarType.BFloat16).matmul(transposed ? weight.t() : weight).to(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>The bfloat16 copy of W that the model's products use while it is held.</summary>
    private sealed class HeldWeights : IDisposable
    {
        private readonly RbmModel _model;
        private readonly Tensor _weight;
        private bool _released;

        public HeldWeights(RbmModel model)
        {
            if (model._heldWeight is not null)
                throw new InvalidOperationException("The RBM's weights are already held: scopes of HoldWeights do not nest.");
            _model = model;
            _weight = model._heldWeight = model.Weight.to(ScalarType.BFloat16).DetachFromDisposeScope();
        }

        public void Dispose()
        {
            if (_released)
                return;
            _released = true;
            _model._heldWeight = null;
            _weight.Dispose();
        }
    }
}
