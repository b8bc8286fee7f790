using Pretrain.Pretraining.Layers.Convolutions;
using System.Text.Json;
using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Stacks;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Encoders;

/// <summary>
/// The network an auxiliary task trains and the target task reuses: optionally a token embedding or convolutional
/// blocks (convolution, activation, max-pooling), then dense layers with one nonlinearity. Its convolutional and dense
/// layers convert to a <see cref="PretrainedStack"/>, so everything that takes a greedy stack (pretrained
/// initialisation, freezing, caching, the catalog) takes an auxiliary encoder too.
/// </summary>
public sealed class AuxiliaryEncoder : IDisposable
{
    private readonly List<Parameter> _convWeights = [];
    private readonly List<Parameter> _convBiases = [];
    private readonly List<Parameter> _weights = [];
    private readonly List<Parameter> _biases = [];
    // With Spec.BatchNorm: a scale and a shift per layer (convolutional blocks, then dense layers); empty otherwise.
    private readonly List<Parameter> _normScales = [];
    private readonly List<Parameter> _normShifts = [];

    /// <summary>libtorch's default: added to each variance before its square root.</summary>
    private const double NormEpsilon = 1e-5;

    /// <summary>Creates an encoder with Glorot-uniform weights (x4 for sigmoid units) and zero biases.</summary>
    public AuxiliaryEncoder(EncoderSpec spec, Device device, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        Spec = spec;
        if (spec.VocabularySize is int vocabulary)
            Embedding = new Parameter(empty([vocabulary, spec.EmbeddingSize]).normal_(0, 0.1, generator: generator).to(device));
        var gain = spec.Activation == EncoderActivation.Sigmoid ? 4 : 1;
        var channels = spec.ImageShape?[0] ?? 0;
        foreach (var block in spec.Convolutions)
        {
            // Glorot uniform over receptive fields, as for the convolutional autoencoder.
            var k = (long)block.Geometry.Kernel;
            var bound = Math.Sqrt(6.0 / ((channels + block.Channels) * k * k)) * gain;
            _convWeights.Add(new Parameter(empty([block.Channels, channels, k, k]).uniform_(-bound, bound, generator: generator).to(device)));
            _convBiases.Add(new Parameter(zeros([block.Channels], device: device)));
            channels = block.Channels;
        }
        var inputs = spec.DenseInputs;
        foreach (var width in spec.HiddenLayers)
        {
            var bound = Math.Sqrt(6.0 / (inputs + width)) * gain;
            _weights.Add(new Parameter(empty([width, inputs]).uniform_(-bound, bound, generator: generator).to(device)));
            _biases.Add(new Parameter(zeros([width], device: device)));
            inputs = width;
        }
        if (spec.BatchNorm)
        {
            foreach (var width in spec.Convolutions.Select(c => c.Channels).Concat(spec.HiddenLayers))
            {
                _normScales.Add(new Parameter(ones([width], device: device)));
                _normShifts.Add(new Parameter(zeros([width], device: device)));
            }
        }
    }

    private AuxiliaryEncoder(EncoderSpec spec, Parameter? embedding, IEnumerable<Parameter> convWeights, IEnumerable<Parameter> convBiases,
        IEnumerable<Parameter> weights, IEnumerable<Parameter> biases, IEnumerable<Parameter> normScales, IEnumerable<Parameter> normShifts)
    {
        _normScales.AddRange(normScales);
        _normShifts.AddRange(normShifts);
        Spec = spec;
        Embedding = embedding;
        _convWeights.AddRange(convWeights);
        _convBiases.AddRange(convBiases);
        _weights.AddRange(weights);
        _biases.AddRange(biases);
    }

    /// <summary>An independent copy with the same weights, on the same device (for a second arm that starts from them).</summary>
    public AuxiliaryEncoder Clone()
    {
        using var _ = no_grad();
        static Parameter Copy(Parameter p) => new(p.detach().clone());
        return new AuxiliaryEncoder(Spec, Embedding is null ? null : Copy(Embedding), _convWeights.Select(Copy), _convBiases.Select(Copy),
            _weights.Select(Copy), _biases.Select(Copy), _normScales.Select(Copy), _normShifts.Select(Copy));
    }

    /// <summary>What the encoder was built from.</summary>
    public EncoderSpec Spec { get; }

    /// <summary>The token embedding, <c>[vocabulary, embeddingSize]</c>; null for dense input.</summary>
    public Parameter? Embedding { get; }

    /// <summary>Dense layer weights, <c>[out, in]</c>, lowest first.</summary>
    public IReadOnlyList<Parameter> Weights => _weights;

    /// <summary>Dense layer biases, lowest first.</summary>
    public IReadOnlyList<Parameter> Biases => _biases;

    /// <summary>Every trainable tensor.</summary>
    public IEnumerable<Parameter> Parameters =>
        (Embedding is null ? [] : new[] { Embedding })
            .Concat(_convWeights.Zip(_convBiases).SelectMany(p => new[] { p.First, p.Second }))
            .Concat(_weights.Zip(_biases).SelectMany(p => new[] { p.First, p.Second }))
            .Concat(_normScales.Zip(_normShifts).SelectMany(p => new[] { p.First, p.Second }));

    /// <summary>Kernels of the convolutional blocks, <c>[C', C, k, k]</c>, lowest first.</summary>
    public IReadOnlyList<Parameter> ConvolutionWeights => _convWeights;

    /// <summary>
    /// The tensors by name (<c>embedding.weight</c>, <c>hidden1.weight</c>, <c>hidden1.bias</c>, ...; convolutional
    /// blocks first; with batch normalization <c>norm1.weight</c>, <c>norm1.bias</c>, ... for the same layers).
    /// </summary>
    public IReadOnlyDictionary<string, Tensor> State
    {
        get
        {
            var state = new Dictionary<string, Tensor>();
            if (Embedding is not null)
                state["embedding.weight"] = Embedding;
            var layers = _convWeights.Zip(_convBiases).Concat(_weights.Zip(_biases)).ToList();
            for (var i = 0; i < layers.Count; i++)
            {
                state[$"hidden{i + 1}.weight"] = layers[i].First;
                state[$"hidden{i + 1}.bias"] = layers[i].Second;
            }
            for (var i = 0; i < _normScales.Count; i++)
            {
                state[$"norm{i + 1}.weight"] = _normScales[i];
                state[$"norm{i + 1}.bias"] = _normShifts[i];
            }
            return state;
        }
    }

    /// <summary>Encodes a batch: feature vectors <c>[N, inputs]</c> or token ids <c>[N, window]</c>.</summary>
    public Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var h = Convolve(Embed(input));
        for (var i = 0; i < _weights.Count; i++)
            h = Spec.Activation.Apply(Normalized(nn.functional.linear(h, _weights[i], _biases[i]), _convWeights.Count + i));
        return h;
    }

    /// <summary>The convolutional blocks on <paramref name="features"/> [N, C·H·W], flattened again; the features themselves without blocks.</summary>
    private Tensor Convolve(Tensor features)
    {
        if (_convWeights.Count == 0)
            return features;
        var h = features.reshape([features.shape[0], .. Spec.ImageShape!]);
        for (var i = 0; i < _convWeights.Count; i++)
        {
            var geometry = Spec.Convolutions[i].Geometry;
            h = ActivatedMaxPooling.Apply(Normalized(RepeatableConvolution.Conv2d(h, _convWeights[i], _convBiases[i], geometry.Stride, geometry.Padding), i),
                Spec.Activation, geometry.PoolSize);
        }
        return h.flatten(1);
    }

    /// <summary>
    /// Layer <paramref name="layer"/>'s pre-activations normalized with the batch's own statistics (per channel of
    /// maps, per unit of vectors) and scaled and shifted, with <see cref="EncoderSpec.BatchNorm"/>; unchanged without.
    /// Always the batch's statistics, in training and scoring alike: no running averages are kept, because
    /// <see cref="ToStack"/> folds statistics of the whole data into the layers instead.
    /// </summary>
    private Tensor Normalized(Tensor preActivation, int layer) =>
        _normScales.Count == 0 ? preActivation
            : nn.functional.batch_norm(preActivation, null, null, _normScales[layer], _normShifts[layer], training: true, eps: NormEpsilon);

    /// <summary>The input of the layers for <paramref name="input"/>: the concatenated token embeddings for text.</summary>
    public Tensor Embed(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (Embedding is null)
        {
            if (input.dim() != 2 || input.shape[1] != Spec.Inputs)
                throw new ArgumentException($"encoder: expected input [N, {Spec.Inputs}], received [{string.Join(", ", input.shape)}].");
            return input;
        }
        if (input.dim() != 2 || input.shape[1] != Spec.Inputs || input.dtype != ScalarType.Int64)
            throw new ArgumentException($"encoder: expected token ids int64 [N, {Spec.Inputs}], received {input.dtype} [{string.Join(", ", input.shape)}].");
        return Embedding.index_select(0, input.flatten()).reshape(input.shape[0], Spec.DenseInputs);
    }

    /// <summary>
    /// Copies the dense layers into a frozen <see cref="PretrainedStack"/> (dense input only): the hand-over to the
    /// transfer tools.
    /// </summary>
    /// <param name="inputShape">The shape of one instance, as the stack records it.</param>
    /// <param name="normalization">The scaler state the inputs were prepared with.</param>
    /// <param name="kind">The layer kind written to the stack, for example <c>auxiliary:ranking</c>.</param>
    /// <param name="metrics">Metrics to record on every layer (the held-out score of the task).</param>
    /// <param name="calibration">
    /// With <see cref="EncoderSpec.BatchNorm"/> (required then): examples, as <see cref="Forward"/> takes them, whose
    /// statistics stand in for each batch's: every normalization is folded into its layer's weights and biases, so the
    /// stack computes the trained encoder's function with those statistics and needs no normalization of its own.
    /// </param>
    public PretrainedStack ToStack(IReadOnlyList<long> inputShape, JsonElement? normalization, string kind, IReadOnlyDictionary<string, double>? metrics = null,
        Tensor? calibration = null)
    {
        if (Embedding is not null)
            throw new InvalidOperationException("encoder: a text encoder's embedding has no place in a dense stack; save its State instead.");
        var stack = new PretrainedStack(inputShape, normalization);
        using var _ = no_grad();
        var layers = _normScales.Count == 0 ? Unfolded() : NormalizationFolding.Fold(this, calibration
            ?? throw new ArgumentException("encoder: batch normalization is folded into the stack's layers with statistics of examples; pass them as calibration.", nameof(calibration)));
        IReadOnlyList<long> image = Spec.ImageShape ?? [];
        for (var i = 0; i < layers.Count; i++)
        {
            var (weight, bias) = layers[i];
            if (i < _convWeights.Count)
            {
                var geometry = Spec.Convolutions[i].Geometry;
                stack.Add(new PretrainedLayer(kind, weight, bias, Spec.Activation, geometry, image, metrics: metrics));
                image = geometry.OutputShape(image, Spec.Convolutions[i].Channels);
            }
            else
                stack.Add(new PretrainedLayer(kind, weight, bias, Spec.Activation, metrics: metrics));
        }
        return stack;
    }

    /// <summary>Copies of every layer's weight and bias, convolutional blocks first.</summary>
    private List<(Tensor Weight, Tensor Bias)> Unfolded() =>
        _convWeights.Zip(_convBiases).Concat(_weights.Zip(_biases)).Select(p => (p.First.detach().clone(), p.Second.detach().clone())).ToList();

    /// <summary>Layer <paramref name="layer"/>'s pre-activations (convolutional blocks first), from <paramref name="below"/> (the previous layer's output, or the embedded input).</summary>
    internal Tensor PreActivation(int layer, Tensor below, Tensor weight, Tensor bias)
    {
        if (layer >= _convWeights.Count)
            return nn.functional.linear(layer == _convWeights.Count && below.dim() == 4 ? below.flatten(1) : below, weight, bias);
        var geometry = Spec.Convolutions[layer].Geometry;
        var maps = layer == 0 ? below.reshape([below.shape[0], .. Spec.ImageShape!]) : below;
        return RepeatableConvolution.Conv2d(maps, weight, bias, geometry.Stride, geometry.Padding);
    }

    /// <summary>Layer <paramref name="layer"/>'s output from its pre-activations: the activation, and pooling for a convolutional block.</summary>
    internal Tensor Activated(int layer, Tensor preActivation) =>
        layer < _convWeights.Count ? ActivatedMaxPooling.Apply(preActivation, Spec.Activation, Spec.Convolutions[layer].Geometry.PoolSize)
            : Spec.Activation.Apply(preActivation);

    /// <summary>Every layer's weight, bias, normalization scale and shift, convolutional blocks first (with <see cref="EncoderSpec.BatchNorm"/>).</summary>
    internal IReadOnlyList<(Tensor Weight, Tensor Bias, Tensor Scale, Tensor Shift)> NormalizedLayers =>
        _convWeights.Zip(_convBiases).Concat(_weights.Zip(_biases))
            .Select((p, i) => ((Tensor)p.First, (Tensor)p.Second, (Tensor)_normScales[i], (Tensor)_normShifts[i])).ToList();

    /// <summary>The epsilon of the normalizations.</summary>
    internal static double NormalizationEpsilon => NormEpsilon;

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var parameter in Parameters)
            parameter.Dispose();
    }
}
