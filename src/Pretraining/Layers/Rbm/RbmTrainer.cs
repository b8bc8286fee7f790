using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Training;
using Pretrain.Pretraining.Validation;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Layers.Rbm;

/// <summary>
/// Pretrains one RBM layer (Bernoulli-Bernoulli or Gaussian-Bernoulli) with CD-k or persistent CD. The result's encoder
/// gives hidden probabilities for the next layer; the visible bias is kept as an extra.
/// </summary>
public sealed class RbmTrainer : ILayerTrainer
{
    private const int MonitorSample = 2000;

    /// <summary>Creates a trainer for a layer with <paramref name="options"/>.</summary>
    /// <exception cref="InvalidOptionsException">The options have problems; the message lists them all.</exception>
    public RbmTrainer(RbmOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid("rbm layer");
        Options = options;
    }

    /// <summary>The layer's settings.</summary>
    public RbmOptions Options { get; }

    /// <inheritdoc />
    public string Kind => "rbm";

    /// <inheritdoc />
    public IReadOnlyList<long> Describe(IReadOnlyList<long> inputShape) => Options.OutputShape(Kind, inputShape);

    /// <inheritdoc />
    public PretrainedLayer Fit(ILayerInput train, ILayerInput? validation, RunContext context, string stage, ITrainingCallback? callback = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(context);
        Describe(train.SampleShape);
        BFloat16Speed.WarnIfSlow(Options.Precision, context, stage);
        // A dense layer reads every example flat, whatever its shape (e.g. the [C, H, W] maps of a convolutional layer).
        train = ReshapedLayerInput.Flat(train);
        validation = validation is null ? null : ReshapedLayerInput.Flat(validation);
        using var sampling = context.CreateGenerator(RandomStream.RbmLayer, RandomStreams.LayerKey(Options.HiddenUnits, train.Width, 0));
        using var shuffle = context.CreateGenerator(RandomStream.RbmLayer, RandomStreams.LayerKey(Options.HiddenUnits, train.Width, 1));
        using var monitoring = context.CreateGenerator(RandomStream.RbmLayer, RandomStreams.LayerKey(Options.HiddenUnits, train.Width, 2));
        using var model = Initialize(train, context);
        using var rule = new ContrastiveDivergence(model, Options);
        var batches = (int)((train.Count + Options.BatchSize - 1) / Options.BatchSize);
        // Per-epoch checkpoints would also need the rule's momentum buffers and persistent chains; the greedy driver
        // checkpoints whole layers instead, so only the weights and generators are handed to the loop.
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
            return Monitor(model, train, validation, context, monitoring);
        }, LayerFitting.Fingerprint(Kind, Options, train.Width))
        {
            Generators = new Dictionary<string, Generator> { ["sampling"] = sampling, ["shuffle"] = shuffle, ["monitoring"] = monitoring },
        };
        var metrics = LayerFitting.Run(body, stage, Options.Epochs, Options.Patience, "validationReconstructionError", context, batches, callback);
        using var _ = no_grad();
        return new PretrainedLayer(Kind, model.Weight.clone(), model.HiddenBias.clone(), EncoderActivation.Sigmoid,
            new Dictionary<string, Tensor> { ["visible.bias"] = model.VisibleBias.clone() }, metrics);
    }

    /// <summary>W ~ N(0, 0.01^2), hidden bias 0, visible bias log(p / (1 - p)) of the data's means (Bernoulli) or the means (Gaussian).</summary>
    private RbmModel Initialize(ILayerInput train, RunContext context)
    {
        using var generator = context.CreateGenerator(RandomStream.RbmLayer, RandomStreams.LayerKey(Options.HiddenUnits, train.Width, 3));
        using var scope = NewDisposeScope();
        var sum = zeros(train.Width, device: context.Device);
        foreach (var x in train.Batches(4096, shuffle: null, context.Device))
            sum.add_(x.sum([0]));
        var mean = sum / train.Count;
        var visibleBias = Options.Visible == VisibleUnits.Bernoulli ? mean.clamp(1e-3, 1 - 1e-3).logit() : mean;
        var weight = (randn([Options.HiddenUnits, train.Width], generator: generator) * 0.01).to(context.Device);
        var hiddenBias = zeros(Options.HiddenUnits, device: context.Device);
        return new RbmModel(weight.MoveToOuterDisposeScope(), hiddenBias.MoveToOuterDisposeScope(), visibleBias.MoveToOuterDisposeScope(), Options.Visible, Options.Precision);
    }

    private Dictionary<string, double> Monitor(RbmModel model, ILayerInput train, ILayerInput? validation, RunContext context, Generator generator)
    {
        var metrics = new Dictionary<string, double> { ["reconstructionError"] = RbmMonitor.ReconstructionError(model, train, context.Device, MonitorSample) };
        if (validation is not null)
        {
            var sample = (int)Math.Min(MonitorSample, Math.Min(train.Count, validation.Count));
            metrics["validationReconstructionError"] = RbmMonitor.ReconstructionError(model, validation, context.Device);
            metrics["freeEnergyTrain"] = RbmMonitor.MeanFreeEnergy(model, train, context.Device, sample);
            metrics["freeEnergyValidation"] = RbmMonitor.MeanFreeEnergy(model, validation, context.Device, sample);
            metrics["freeEnergyGap"] = metrics["freeEnergyValidation"] - metrics["freeEnergyTrain"];
        }
        if (Options.MonitorPseudoLikelihood && Options.Visible == VisibleUnits.Bernoulli)
            metrics["pseudoLogLikelihood"] = RbmMonitor.PseudoLogLikelihood(model, validation ?? train, context.Device, generator, MonitorSample);
        return metrics;
    }
}
