using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Layers;

/// <summary>
/// The frozen result of pretraining one layer, plus whatever else the method learned that is worth keeping
/// (<see cref="Extras"/>: a decoder, an RBM's visible bias). A dense layer encodes <c>h = activation(x W^T + b)</c> with
/// W float32 [out, in] (PyTorch's <c>nn.Linear</c> convention) and b [out]; a convolutional layer (with a
/// <see cref="Convolution"/>) encodes <c>h = maxpool(activation(conv2d(x, W) + b))</c> with W [C', C, k, k] (PyTorch's
/// <c>nn.Conv2d</c> convention) and b [C'], or, with probabilistic pooling (convolutional RBMs, sigmoid units),
/// <c>h = sigmoid(logsumexp over each window of (conv2d(x, W) + b))</c>. Owns its tensors, which never require gradients.
/// </summary>
public sealed class PretrainedLayer : IDisposable
{
    /// <summary>Creates a dense layer from copies the caller hands over (ownership moves to this object).</summary>
    /// <param name="kind">The method, as recipes and manifests name it (<c>autoencoder</c>, <c>rbm</c>).</param>
    /// <param name="weight">Encoder weight, float32 [out, in].</param>
    /// <param name="bias">Encoder bias, float32 [out].</param>
    /// <param name="activation">Encoder nonlinearity.</param>
    /// <param name="extras">Other learned tensors by name (e.g. <c>decoder.weight</c>, <c>visible.bias</c>).</param>
    /// <param name="metrics">Final metrics by name (e.g. <c>validationReconstruction</c>).</param>
    public PretrainedLayer(string kind, Tensor weight, Tensor bias, EncoderActivation activation,
        IReadOnlyDictionary<string, Tensor>? extras = null, IReadOnlyDictionary<string, double>? metrics = null)
        : this(null, null, kind, weight, bias, activation, extras, metrics)
    {
    }

    /// <summary>Creates a convolutional layer from copies the caller hands over (ownership moves to this object).</summary>
    /// <param name="kind">The method, as recipes and manifests name it (<c>convAutoencoder</c>, <c>convRbm</c>).</param>
    /// <param name="weight">Encoder kernels, float32 [C', C, k, k].</param>
    /// <param name="bias">Encoder bias, float32 [C'].</param>
    /// <param name="activation">Encoder nonlinearity.</param>
    /// <param name="convolution">Kernel size, stride, padding and pooling.</param>
    /// <param name="inputShape">One input example, <c>[C, H, W]</c>.</param>
    /// <param name="extras">Other learned tensors by name (e.g. <c>decoder.weight</c>).</param>
    /// <param name="metrics">Final metrics by name.</param>
    public PretrainedLayer(string kind, Tensor weight, Tensor bias, EncoderActivation activation, ConvolutionGeometry convolution,
        IReadOnlyList<long> inputShape, IReadOnlyDictionary<string, Tensor>? extras = null, IReadOnlyDictionary<string, double>? metrics = null)
        : this(convolution ?? throw new ArgumentNullException(nameof(convolution)),
            inputShape ?? throw new ArgumentNullException(nameof(inputShape)), kind, weight, bias, activation, extras, metrics)
    {
    }

    private PretrainedLayer(ConvolutionGeometry? convolution, IReadOnlyList<long>? inputShape, string kind, Tensor weight, Tensor bias,
        EncoderActivation activation, IReadOnlyDictionary<string, Tensor>? extras, IReadOnlyDictionary<string, double>? metrics)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(bias);
        Kind = kind;
        Convolution = convolution;
        (InputShape, OutputShape) = convolution is null ? DenseShapes(weight, bias) : ConvolutionShapes(weight, bias, convolution, inputShape!, activation);
        Weight = Own(weight);
        Bias = Own(bias);
        Activation = activation;
        Extras = (extras ?? new Dictionary<string, Tensor>()).ToDictionary(e => e.Key, e => Own(e.Value));
        Metrics = metrics ?? new Dictionary<string, double>();
    }

    /// <summary>The pretraining method.</summary>
    public string Kind { get; }

    /// <summary>Encoder weight: float32 [out, in] (dense) or [C', C, k, k] (convolutional).</summary>
    public Tensor Weight { get; }

    /// <summary>Encoder bias, float32 [out] or [C'].</summary>
    public Tensor Bias { get; }

    /// <summary>Encoder nonlinearity.</summary>
    public EncoderActivation Activation { get; }

    /// <summary>How a convolutional layer slides over its input; null for a dense layer.</summary>
    public ConvolutionGeometry? Convolution { get; }

    /// <summary>One input example: <c>[in]</c> (dense) or <c>[C, H, W]</c> (convolutional).</summary>
    public IReadOnlyList<long> InputShape { get; }

    /// <summary>One output example: <c>[out]</c> (dense) or <c>[C', H', W']</c> after pooling (convolutional).</summary>
    public IReadOnlyList<long> OutputShape { get; }

    /// <summary>Other learned tensors by name.</summary>
    public IReadOnlyDictionary<string, Tensor> Extras { get; }

    /// <summary>Final metrics by name.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; }

    /// <summary>Input values per example (the product of <see cref="InputShape"/>).</summary>
    public int InputSize => (int)SampleShapes.Size(InputShape);

    /// <summary>Output values per example (hidden units, or the product of <see cref="OutputShape"/>).</summary>
    public int OutputSize => (int)SampleShapes.Size(OutputShape);

    /// <summary>
    /// Values per example of the largest tensor <see cref="Encode"/> makes: a convolution's feature maps before
    /// pooling (about <see cref="OutputSize"/> times the pooling window), else the output.
    /// </summary>
    public long WidestIntermediateSize => Convolution is { PoolSize: > 1 } g ? (long)OutputSize * g.PoolSize * g.PoolSize : OutputSize;

    /// <summary>
    /// Encodes <paramref name="input"/> float32 [B, ...] (any shape holding <see cref="InputSize"/> values per example,
    /// e.g. flat [B, 784] or [B, 1, 28, 28]) to [B, ...<see cref="OutputShape"/>] without gradients (on the layer's device).
    /// </summary>
    public Tensor Encode(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        if (Convolution is not { } geometry)
            return Activation.Apply(nn.functional.linear(input.dim() == 2 ? input : input.flatten(1), Weight, Bias)).MoveToOuterDisposeScope();
        // [B, ...] -> [B, C, H, W]: the layer knows its image shape even when the data arrives flat.
        var images = input.reshape([input.shape[0], .. InputShape]);
        var preActivation = Convolutions.RepeatableConvolution.Conv2d(images, Weight, Bias, geometry.Stride, geometry.Padding);
        if (geometry.IsProbabilistic)
            return ConvRbm.ProbabilisticMaxPooling.Pooled(preActivation, geometry.PoolSize).MoveToOuterDisposeScope();
        return Convolutions.ActivatedMaxPooling.Apply(preActivation, Activation, geometry.PoolSize).MoveToOuterDisposeScope();
    }

    /// <summary>Moves every tensor to <paramref name="device"/> (a no-op when already there).</summary>
    public PretrainedLayer To(Device device) =>
        Weight.device == device ? this : new PretrainedLayer(Convolution, InputShape, Kind, Weight.to(device), Bias.to(device), Activation,
            Extras.ToDictionary(e => e.Key, e => e.Value.to(device)), Metrics);

    /// <inheritdoc />
    public void Dispose()
    {
        Weight.Dispose();
        Bias.Dispose();
        foreach (var tensor in Extras.Values)
            tensor.Dispose();
    }

    private static (long[], long[]) DenseShapes(Tensor weight, Tensor bias)
    {
        if (weight.dim() != 2 || bias.dim() != 1 || bias.shape[0] != weight.shape[0])
            throw new ArgumentException($"encoder weight must be [out, in] and bias [out], received [{string.Join(", ", weight.shape)}] and [{string.Join(", ", bias.shape)}].");
        return ([weight.shape[1]], [weight.shape[0]]);
    }

    private static (long[], long[]) ConvolutionShapes(Tensor weight, Tensor bias, ConvolutionGeometry geometry, IReadOnlyList<long> inputShape, EncoderActivation activation)
    {
        var image = SampleShapes.AsImage(inputShape);
        if (weight.dim() != 4 || weight.shape[2] != geometry.Kernel || weight.shape[3] != geometry.Kernel || bias.dim() != 1 || bias.shape[0] != weight.shape[0])
            throw new ArgumentException($"convolution kernels must be [C', C, {geometry.Kernel}, {geometry.Kernel}] and bias [C'], received [{string.Join(", ", weight.shape)}] and [{string.Join(", ", bias.shape)}].");
        if (image is null || image[0] != weight.shape[1])
            throw new ArgumentException($"the kernels take {weight.shape[1]} channels but the input shape is [{string.Join(", ", inputShape)}].");
        if (geometry.Misfit(image[1], image[2]) is { } misfit)
            throw new ArgumentException(misfit + ".");
        if (geometry.Pooling == ConvPooling.Probabilistic && activation != EncoderActivation.Sigmoid)
            throw new ArgumentException($"probabilistic max-pooling pools sigmoid units, received activation {activation}.");
        return (image, geometry.OutputShape(image, weight.shape[0]));
    }

    // Ownership moves here: keep a detached handle and release the caller's, so no handle is left for the finalizer.
    private static Tensor Own(Tensor tensor)
    {
        var owned = tensor.detach().DetachFromDisposeScope();
        if (!ReferenceEquals(owned, tensor))
            tensor.Dispose();
        return owned;
    }
}
