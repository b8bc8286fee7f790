using Pretrain.Pretraining.Layers.Autoencoders;
using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Training;
using Pretrain.Pretraining.Validation;
using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Layers.ConvAutoencoders;

/// <summary>
/// Pretrains one convolutional autoencoder layer (plain, denoising or sparse; tied or untied; transposed or upsampling
/// decoder) by minibatch gradient descent on its reconstruction loss, with early stopping on the validation
/// reconstruction of clean inputs. Takes [C, H, W] images (or [H, W], read as one channel) and gives the frozen
/// layer's [C', H', W'] feature maps after pooling.
/// </summary>
public sealed class ConvAutoencoderTrainer : ILayerTrainer
{
    /// <summary>Creates a trainer for a layer with <paramref name="options"/>.</summary>
    /// <exception cref="InvalidOptionsException">The options have problems; the message lists them all.</exception>
    public ConvAutoencoderTrainer(ConvAutoencoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid("convAutoencoder layer");
        Options = options;
    }

    /// <summary>The layer's settings.</summary>
    public ConvAutoencoderOptions Options { get; }

    /// <inheritdoc />
    public string Kind => "convAutoencoder";

    /// <inheritdoc />
    public IReadOnlyList<long> Describe(IReadOnlyList<long> inputShape)
    {
        var image = SampleShapes.RequireImage(inputShape);
        if (Options.Geometry.Misfit(image[1], image[2]) is { } misfit)
            throw new PretrainException(misfit + ".");
        return Options.Geometry.OutputShape(image, Options.Channels);
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
        using var initGenerator = context.CreateGenerator(RandomStream.ConvAutoencoderLayer, RandomStreams.LayerKey(Options.Channels, train.Width, 0));
        using var noise = context.CreateGenerator(RandomStream.ConvAutoencoderLayer, RandomStreams.LayerKey(Options.Channels, train.Width, 1));
        using var shuffle = context.CreateGenerator(RandomStream.ConvAutoencoderLayer, RandomStreams.LayerKey(Options.Channels, train.Width, 2));
        using var model = new ConvAutoencoderModel(image, Options, context.Device, initGenerator);
        using var optimizer = LayerOptimizers.Create(Options.Optimizer, model.Parameters, Options.LearningRate, Options.Momentum, Options.WeightDecay);
        var batches = (int)((train.Count + Options.BatchSize - 1) / Options.BatchSize);
        var body = new EpochBody(model.State, (epoch, onBatch) =>
        {
            double total = 0, reconstruction = 0;
            int count = 0, skipped = 0;
            foreach (var x in train.Batches(Options.BatchSize, shuffle, context.Device))
            {
                context.Cancellation.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var corrupted = Corruption.Apply(Options.Noise, Options.NoiseLevel, x, noise);
                optimizer.zero_grad();
                var (loss, recon) = model.Loss(x, corrupted);
                loss.backward();
                onBatch();
                // One non-finite batch would poison every weight for good (Adam spreads a NaN to all later steps), so
                // it is skipped and counted rather than applied. The NaNs once seen here came from libtorch's conv2d
                // input gradient (see RepeatableConvolution, which avoids it); the guard stays for diverging rates.
                if (!FiniteUpdate.Allowed(loss, model.Parameters))
                {
                    skipped++;
                    continue;
                }
                optimizer.step();
                total += loss.item<float>();
                reconstruction += recon.item<float>();
                count++;
            }
            var result = new Dictionary<string, double>
            {
                ["trainLoss"] = count == 0 ? double.NaN : total / count,
                ["trainReconstruction"] = count == 0 ? double.NaN : reconstruction / count,
                ["skippedBatches"] = skipped,
            };
            if (validation is not null)
                result["validationReconstruction"] = Reconstruction(model, validation, context.Device);
            return result;
        }, LayerFitting.Fingerprint(Kind, Options, train.Width))
        {
            Optimizer = optimizer,
            Generators = new Dictionary<string, Generator> { ["noise"] = noise, ["shuffle"] = shuffle },
        };
        var metrics = LayerFitting.Run(body, stage, Options.Epochs, Options.Patience, "validationReconstruction", context, batches, callback);
        return Freeze(model, image, metrics);
    }

    /// <summary>Mean reconstruction loss of clean <paramref name="data"/> (no noise, no penalty).</summary>
    private static double Reconstruction(ConvAutoencoderModel model, ILayerInput data, Device device)
    {
        using var _ = no_grad();
        double sum = 0;
        foreach (var x in data.Batches(256, shuffle: null, device))
        {
            using var scope = NewDisposeScope();
            var (_, recon) = model.Loss(x, x);
            sum += recon.item<float>() * x.shape[0];
        }
        return sum / data.Count;
    }

    private PretrainedLayer Freeze(ConvAutoencoderModel model, long[] image, Dictionary<string, double> metrics)
    {
        using var _ = no_grad();
        var extras = new Dictionary<string, Tensor> { ["decoder.weight"] = model.DecoderKernels.contiguous().clone(), ["decoder.bias"] = model.DecoderBias.clone() };
        return new PretrainedLayer(Kind, model.Weight.clone(), model.Bias.clone(), Options.Activation, Options.Geometry, image, extras, metrics);
    }
}
