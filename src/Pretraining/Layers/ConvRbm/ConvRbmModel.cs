using Pretrain.Pretraining.Layers.Convolutions;
using Pretrain.Pretraining.Layers.Rbm;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Layers.ConvRbm;

/// <summary>
/// A convolutional RBM (Lee, Grosse, Ranganath and Ng, 2009) on images [C, H, W]: K filters W [K, C, k, k] slide
/// with stride 1 over the input zero-padded by <c>padding</c>, each with one hidden bias c_k shared by all its
/// positions; each input channel has one visible bias b_c. With I = conv(v, W) + c (the hidden pre-activations,
/// [K, H1, W1]), the energy is E(v, h) = -sum h.I + (visible term), the visible term being -sum b_c v (Bernoulli) or
/// sum (v - b_c)^2 / 2 (unit-variance Gaussian). With probabilistic max-pooling of size P, at most one detection unit
/// of each P x P window is on (<see cref="ProbabilisticMaxPooling"/>). Owns its tensors, which contrastive divergence
/// updates in place (no autograd). Every convolution is <see cref="RepeatableConvolution"/>'s.
/// </summary>
public sealed class ConvRbmModel : IRbmModel, IDisposable
{
    private readonly long[] _image;

    /// <summary>Wraps the given parameters (ownership moves here) for images of <paramref name="image"/> [C, H, W].</summary>
    /// <exception cref="ArgumentException">The shapes disagree, or the feature maps are not whole pooling windows.</exception>
    public ConvRbmModel(Tensor weight, Tensor hiddenBias, Tensor visibleBias, IReadOnlyList<long> image, VisibleUnits visible, int padding = 0, int poolSize = 1)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(hiddenBias);
        ArgumentNullException.ThrowIfNull(visibleBias);
        ArgumentNullException.ThrowIfNull(image);
        _image = image.ToArray();
        var geometry = new ConvolutionGeometry((int)weight.shape[^1], 1, padding, Math.Max(1, poolSize));
        if (weight.dim() != 4 || _image.Length != 3 || weight.shape[1] != _image[0] || hiddenBias.shape[0] != weight.shape[0] || visibleBias.shape[0] != _image[0]
            || geometry.Misfit(_image[1], _image[2]) is not null || geometry.Convolved(_image[1]) % geometry.PoolSize != 0 || geometry.Convolved(_image[2]) % geometry.PoolSize != 0)
            throw new ArgumentException($"a convolutional RBM needs kernels [K, C, k, k], biases [K] and [C] and whole pooling windows; received [{string.Join(", ", weight.shape)}], [{string.Join(", ", hiddenBias.shape)}], [{string.Join(", ", visibleBias.shape)}] for images {SampleShapes.Format(_image)} with padding {padding} and pool {poolSize}.");
        Weight = weight.DetachFromDisposeScope();
        HiddenBias = hiddenBias.DetachFromDisposeScope();
        VisibleBias = visibleBias.DetachFromDisposeScope();
        Visible = visible;
        Padding = padding;
        PoolSize = geometry.PoolSize;
    }

    /// <summary>W [K, C, k, k].</summary>
    public Tensor Weight { get; }

    /// <summary>c [K], one per filter.</summary>
    public Tensor HiddenBias { get; }

    /// <summary>b [C], one per input channel.</summary>
    public Tensor VisibleBias { get; }

    /// <summary>The visible unit type.</summary>
    public VisibleUnits Visible { get; }

    /// <summary>Zeros added on each side of the input.</summary>
    public int Padding { get; }

    /// <summary>Probabilistic max-pooling window; 1 for none.</summary>
    public int PoolSize { get; }

    /// <summary>The parameters by name, for early-stopping snapshots.</summary>
    public IReadOnlyDictionary<string, Tensor> State =>
        new Dictionary<string, Tensor> { ["weight"] = Weight, ["hidden.bias"] = HiddenBias, ["visible.bias"] = VisibleBias };

    /// <summary>I = conv(v, W) + c, [B, K, H1, W1].</summary>
    public Tensor HiddenPreActivation(Tensor visible) => RepeatableConvolution.Conv2d(visible, Weight, HiddenBias, 1, Padding);

    /// <summary>p(h = 1 | v) of every detection unit, [B, K, H1, W1]: sigmoid(I), or the window softmax with pooling.</summary>
    public Tensor HiddenProbabilities(Tensor visible)
    {
        using var scope = NewDisposeScope();
        var pre = HiddenPreActivation(visible);
        return (PoolSize > 1 ? ProbabilisticMaxPooling.DetectionProbabilities(pre, PoolSize) : pre.sigmoid()).MoveToOuterDisposeScope();
    }

    /// <summary>What the layer passes up, [B, K, H1/P, W1/P]: the pooling units' probabilities (the detection units' without pooling).</summary>
    public Tensor Output(Tensor visible)
    {
        using var scope = NewDisposeScope();
        var pre = HiddenPreActivation(visible);
        return (PoolSize > 1 ? ProbabilisticMaxPooling.Pooled(pre, PoolSize) : pre.sigmoid()).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public Tensor SampleHidden(Tensor probabilities, Generator generator) =>
        PoolSize > 1 ? ProbabilisticMaxPooling.Sample(probabilities, PoolSize, generator) : RbmModel.SampleBinary(probabilities, generator);

    /// <summary>E[v | h] = sigmoid(convT(h, W) + b) for Bernoulli units, convT(h, W) + b for Gaussian ones, [B, C, H, W].</summary>
    public Tensor VisibleMean(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        // The transposed convolution is the adjoint of HiddenPreActivation's: sum h.conv(v, W) = sum v.convT(h, W).
        var pre = RepeatableConvolution.ConvTranspose2d(hidden, Weight, null, 1, Padding, _image[1], _image[2]) + VisibleBias.view(1, -1, 1, 1);
        return (Visible == VisibleUnits.Bernoulli ? pre.sigmoid() : pre).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public Tensor SampleVisible(Tensor mean, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(mean);
        if (Visible == VisibleUnits.Bernoulli)
            return RbmModel.SampleBinary(mean, generator);
        using var noise = randn(mean.shape, generator: generator, dtype: mean.dtype, device: mean.device);
        return mean + noise;
    }

    /// <inheritdoc />
    public (Tensor Weight, Tensor HiddenBias, Tensor VisibleBias) Gradient(Tensor v0, Tensor h0, Tensor vk, Tensor hk) =>
        ConvRbmGradient.Of(v0, h0, vk, hk, (int)Weight.shape[^1], Padding);

    /// <inheritdoc />
    public Tensor MeanActivation(Tensor hidden)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        return hidden.mean([0, 2, 3]);
    }

    /// <summary>The exact free energy F(v) = -log sum_h exp(-E(v, h)), [B] (see <see cref="FreeEnergyOf"/>).</summary>
    public Tensor FreeEnergy(Tensor visible) => FreeEnergyOf(Weight, HiddenBias, VisibleBias, Visible, Padding, PoolSize, visible);

    /// <summary>
    /// The free energy as a plain function of the parameters (so autograd and finite differences can check it), [B]:
    /// the visible term (-sum_c b_c sum v_c, or sum (v - b_c)^2 / 2) minus the hidden term, sum over all positions of
    /// softplus(I) without pooling, or sum over the windows of log(1 + sum_window exp(I)) with pooling (the window's
    /// P*P + 1 allowed states: all off, or exactly one unit on).
    /// </summary>
    public static Tensor FreeEnergyOf(Tensor weight, Tensor hiddenBias, Tensor visibleBias, VisibleUnits visible, int padding, int poolSize, Tensor v)
    {
        ArgumentNullException.ThrowIfNull(visibleBias);
        ArgumentNullException.ThrowIfNull(v);
        using var scope = NewDisposeScope();
        var pre = RepeatableConvolution.Conv2d(v, weight, hiddenBias, 1, padding);
        var hiddenTerm = (poolSize > 1 ? ProbabilisticMaxPooling.LogPartition(pre, poolSize) : nn.functional.softplus(pre)).sum([1, 2, 3]);
        var bias = visibleBias.view(1, -1, 1, 1);
        var visibleTerm = visible == VisibleUnits.Bernoulli ? -(v * bias).sum([1, 2, 3]) : 0.5 * (v - bias).square().sum([1, 2, 3]);
        return (visibleTerm - hiddenTerm).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Weight.Dispose();
        HiddenBias.Dispose();
        VisibleBias.Dispose();
    }
}
