using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Training;
using Pretrain.Pretraining.Validation;
using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Layers.Autoencoders;

/// <summary>
/// Pretrains one autoencoder layer (plain, denoising, sparse or contractive, tied or untied) by minibatch gradient
/// descent on its reconstruction loss, with early stopping on the validation reconstruction of clean inputs.
/// </summary>
public sealed class AutoencoderTrainer : ILayerTrainer
{
    /// <summary>Creates a trainer for a layer with <paramref name="options"/>.</summary>
    /// <exception cref="InvalidOptionsException">The options have problems; the message lists them all.</exception>
    public AutoencoderTrainer(AutoencoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid("autoencoder layer");
        Options = options;
    }

    /// <summary>The layer's settings.</summary>
    public AutoencoderOptions Options { get; }

    /// <inheritdoc />
    public string Kind => "autoencoder";

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
        using var initGenerator = context.CreateGenerator(RandomStream.AutoencoderLayer, RandomStreams.LayerKey(Options.HiddenUnits, train.Width, 0));
        using var noise = context.CreateGenerator(RandomStream.AutoencoderLayer, RandomStreams.LayerKey(Options.HiddenUnits, train.Width, 1));
        using var shuffle = context.CreateGenerator(RandomStream.AutoencoderLayer, RandomStreams.LayerKey(Options.HiddenUnits, train.Width, 2));
        using var model = new AutoencoderModel(train.Width, Options, context.Device, initGenerator);
        using var optimizer = LayerOptimizers.Create(Options.Optimizer, model.Parameters, Options.LearningRate, Options.Momentum, Options.WeightDecay);
        var batches = (int)((train.Count + Options.BatchSize - 1) / Options.BatchSize);
        var handDerived = AutoencoderBackward.Covers(Options);
        var body = new EpochBody(model.State, (epoch, onBatch) =>
        {
            double total = 0, reconstruction = 0;
            var count = 0;
            foreach (var x in train.Batches(Options.BatchSize, shuffle, context.Device))
            {
                context.Cancellation.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var corrupted = Corruption.Apply(Options.Noise, Options.NoiseLevel, x, noise);
                var (loss, recon) = handDerived ? AutoencoderBackward.Run(model, Options, x, corrupted) : LossWithAutograd(model, optimizer, x, corrupted);
                optimizer.step();
                total += loss.item<float>();
                reconstruction += recon.item<float>();
                count++;
                onBatch();
            }
            var result = new Dictionary<string, double> { ["trainLoss"] = total / count, ["trainReconstruction"] = reconstruction / count };
            if (validation is not null)
                result["validationReconstruction"] = Reconstruction(model, validation, context.Device);
            return result;
        }, LayerFitting.Fingerprint(Kind, Options, train.Width))
        {
            Optimizer = optimizer,
            Generators = new Dictionary<string, Generator> { ["noise"] = noise, ["shuffle"] = shuffle },
        };
        var metrics = LayerFitting.Run(body, stage, Options.Epochs, Options.Patience, "validationReconstruction", context, batches, callback);
        return Freeze(model, metrics);
    }

    /// <summary>The loss, with the parameters' gradients from autograd (the contractive penalty's way).</summary>
    private static (Tensor Total, Tensor Reconstruction) LossWithAutograd(AutoencoderModel model, optim.Optimizer optimizer, Tensor clean, Tensor corrupted)
    {
        optimizer.zero_grad();
        var (loss, recon) = model.Loss(clean, corrupted);
        loss.backward();
        return (loss, recon);
    }

    /// <summary>Mean reconstruction loss of clean <paramref name="data"/> (no noise, no penalties).</summary>
    internal static double Reconstruction(AutoencoderModel model, ILayerInput data, Device device)
    {
        using var _ = no_grad();
        double sum = 0;
        foreach (var x in data.Batches(1024, shuffle: null, device))
        {
            using var scope = NewDisposeScope();
            var (_, recon) = model.Loss(x, x);
            sum += recon.item<float>() * x.shape[0];
        }
        return sum / data.Count;
    }

    private PretrainedLayer Freeze(AutoencoderModel model, Dictionary<string, double> metrics)
    {
        using var _ = no_grad();
        var decoderWeight = model.DecoderWeight?.clone() ?? model.Weight.t().contiguous();
        return new PretrainedLayer(Kind, model.Weight.clone(), model.Bias.clone(), Options.Activation,
            new Dictionary<string, Tensor> { ["decoder.weight"] = decoderWeight, ["decoder.bias"] = model.DecoderBias.clone() }, metrics);
    }
}
