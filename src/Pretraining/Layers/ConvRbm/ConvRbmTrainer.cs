using Pretrain.Pretraining.Layers.Rbm;
using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Training;
using Pretrain.Pretraining.Validation;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Layers.ConvRbm;

/// <summary>
/// Pretrains one convolutional RBM layer (Bernoulli or Gaussian visible units, CD-k or persistent CD, optional sparsity
/// target and probabilistic max-pooling) with the same update rule as dense RBMs (<see cref="ContrastiveDivergence"/>).
/// Takes [C, H, W] images (or [H, W], read as one channel) and gives the frozen layer's [K, H', W'] maps: the pooling
/// units' probabilities with pooling, the detection units' without. Early stopping watches the validation
/// reconstruction error; the free energies of a training and a validation sample are reported every epoch.
/// </summary>
public sealed class ConvRbmTrainer : ILayerTrainer
{
    private const int MonitorSample = 2000;

    /// <summary>Creates a trainer for a layer with <paramref name="options"/>.</summary>
    /// <exception cref="InvalidOptionsException">The options have problems; the message lists them all.</exception>
    public ConvRbmTrainer(ConvRbmOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid("convRbm layer");
        Options = options;
    }

    /// <summary>The layer's settings.</summary>
    public ConvRbmOptions Options { get; }

    /// <inheritdoc />
    public string Kind => "convRbm";

    /// <inheritdoc />
    public IReadOnlyList<long> Describe(IReadOnlyList<long> inputShape)
    {
        var image = SampleShapes.RequireImage(inputShape);
        var geometry = Options.Geometry;
        if (geometry.Misfit(image[1], image[2]) is { } misfit)
            throw new PretrainException(misfit + ".");
        // Probabilistic max-pooling is a softmax over whole windows: a row or column left over would belong to none.
        var (height, width) = (geometry.Convolved(image[1]), geometry.Convolved(image[2]));
        if (height % geometry.PoolSize != 0 || width % geometry.PoolSize != 0)
            throw new PretrainException($"probabilistic pool {geometry.PoolSize} needs whole windows but kernel {geometry.Kernel} leaves a {height}x{width} feature map of a {image[1]}x{image[2]} input (change the padding or the kernel).");
        return geometry.OutputShape(image, Options.Channels);
    }

    /// <inheritdoc />
    public PretrainedLayer Fit(ILayerInput train, ILayerInput? validation, RunContext context, string stage, ITrainingCallback? callback = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(context);
        Describe(train.SampleShape);
        var image = SampleShapes.AsImage(train.SampleShape)!;
        // Every batch as [B, C, H, W], whether the examples are stored flat, as [H, W] or as feature maps already.
        train = ReshapedLayerInput.Of(train, image);
        validation = validation is null ? null : ReshapedLayerInput.Of(validation, image);
        using var sampling = context.CreateGenerator(RandomStream.ConvRbmLayer, RandomStreams.LayerKey(Options.Channels, train.Width, 0));
        using var shuffle = context.CreateGenerator(RandomStream.ConvRbmLayer, RandomStreams.LayerKey(Options.Channels, train.Width, 1));
        using var model = Initialize(train, image, context);
        using var rule = new ContrastiveDivergence(model, Options);
        var batches = (int)((train.Count + Options.BatchSize - 1) / Options.BatchSize);
        // As for dense RBMs, per-epoch checkpoints would also need the momentum buffers and persistent chains; the
        // greedy driver checkpoints whole layers instead.
        var body = new EpochBody(model.State, (epoch, onBatch) =>
        {
            foreach (var x in train.Batches(Options.BatchSize, shuffle, context.Device))
            {
                context.Cancellation.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var v0 = Options.SampleVisibleInputs ? RbmModel.SampleBinary(x, sampling) : x;
                rule.Step(model, v0, epoch, sampling);
                onBatch();
            }
            return ConvRbmMonitor.Metrics(model, train, validation, context.Device, MonitorSample);
        }, LayerFitting.Fingerprint(Kind, Options, train.Width))
        {
            Generators = new Dictionary<string, Generator> { ["sampling"] = sampling, ["shuffle"] = shuffle },
        };
        var metrics = LayerFitting.Run(body, stage, Options.Epochs, Options.Patience, "validationReconstructionError", context, batches, callback);
        using var _ = no_grad();
        return new PretrainedLayer(Kind, model.Weight.clone(), model.HiddenBias.clone(), EncoderActivation.Sigmoid, Options.Geometry, image,
            new Dictionary<string, Tensor> { ["visible.bias"] = model.VisibleBias.clone() }, metrics);
    }

    /// <summary>
    /// W ~ N(0, 1 / fan-in) with fan-in C*k*k, filter biases 0, channel biases log(p / (1 - p)) of each channel's mean
    /// (Bernoulli) or the means (Gaussian). Why not the dense RBM's N(0, 0.01^2): a filter sees only C*k*k inputs (25
    /// for 5x5 kernels on gray images, against 784 for a dense unit), so weights that small leave every hidden unit at
    /// the same probability whatever the input, and CD then spends epochs on a plateau before the filters differ.
    /// </summary>
    private ConvRbmModel Initialize(ILayerInput train, long[] image, RunContext context)
    {
        using var generator = context.CreateGenerator(RandomStream.ConvRbmLayer, RandomStreams.LayerKey(Options.Channels, train.Width, 2));
        using var scope = NewDisposeScope();
        var sum = zeros(image[0], device: context.Device);
        foreach (var x in train.Batches(4096, shuffle: null, context.Device))
            sum.add_(x.sum([0, 2, 3]));
        var mean = sum / (train.Count * image[1] * image[2]);
        var visibleBias = Options.Visible == VisibleUnits.Bernoulli ? mean.clamp(1e-3, 1 - 1e-3).logit() : mean;
        var fanIn = image[0] * Options.Kernel * Options.Kernel;
        var weight = (randn([Options.Channels, image[0], Options.Kernel, Options.Kernel], generator: generator) / Math.Sqrt(fanIn)).to(context.Device);
        var hiddenBias = zeros(Options.Channels, device: context.Device);
        return new ConvRbmModel(weight.MoveToOuterDisposeScope(), hiddenBias.MoveToOuterDisposeScope(), visibleBias.MoveToOuterDisposeScope(), image,
            Options.Visible, Options.Padding, Options.PoolSize ?? 1);
    }
}
