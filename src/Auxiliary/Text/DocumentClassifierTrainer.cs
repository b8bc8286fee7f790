using Microsoft.Extensions.Logging;
using Pretrain.FineTuning.Freezing;
using Pretrain.FineTuning.Networks;
using Pretrain.FineTuning.Training;
using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Training;
using Pretrain.Pretraining.Validation;
using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Text;

/// <summary>
/// Trains a <see cref="DocumentClassifier"/> with Adam and cross-entropy, keeping the weights of the epoch with the
/// best validation accuracy (restored at the end) and stopping after <c>patience</c> epochs without improvement;
/// optionally with dropout on the pooled features, gradual unfreezing from the top (the frozen encoder's features
/// cached) and lower learning rates for lower layers, the same freezing and rates fine-tuning uses.
/// </summary>
public sealed class DocumentClassifierTrainer
{
    /// <summary>Creates a trainer with <paramref name="options"/>, or the defaults of <see cref="DocumentClassifierTrainingOptions"/> when null.</summary>
    /// <exception cref="InvalidOptionsException">The options have problems; the message lists them all.</exception>
    public DocumentClassifierTrainer(DocumentClassifierTrainingOptions? options = null)
    {
        options ??= new();
        options.ThrowIfInvalid("document classifier training");
        Options = options;
    }

    /// <summary>The training options.</summary>
    public DocumentClassifierTrainingOptions Options { get; }

    /// <summary>Maximum passes over the labelled documents.</summary>
    public int Epochs => Options.Epochs;

    /// <summary>Documents per batch.</summary>
    public int BatchSize => Options.BatchSize;

    /// <summary>Adam's learning rate.</summary>
    public double LearningRate => Options.LearningRate;

    /// <summary>Epochs without a better validation accuracy before stopping.</summary>
    public int Patience => Options.Patience;

    /// <summary>
    /// Trains and returns the best validation accuracy and the epoch it was reached (whose weights are restored). With
    /// <see cref="DocumentClassifierTrainingOptions.UnfreezeEveryEpochs"/>, layers are unfrozen gradually from the top and
    /// the pooled features are cached while the encoder is frozen; every layer is trainable again at the end.
    /// </summary>
    public (double ValidationAccuracy, int BestEpoch, int EpochsRun) Fit(DocumentClassifier model, Tensor documents, Tensor labels, Tensor validationDocuments, Tensor validationLabels, RunContext context)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(context);
        var groups = model.LayerGroups;
        using var shuffle = context.CreateGenerator(RandomStream.DocumentShuffle);
        using var dropping = context.CreateGenerator(RandomStream.DocumentDropout);
        var schedule = new UnfreezingSchedule(groups.Count, Options.UnfreezeEveryEpochs);
        optim.Optimizer? optimizer = null;
        FrozenFeatures? cache = null;
        var trainable = -1;
        var weights = model.Parameters.Select((p, i) => (p, i)).ToDictionary(x => $"parameter{x.i}", x => (Tensor)x.p);
        try
        {
            var body = new EpochBody(weights, (epoch, onBatch) =>
            {
                if (schedule.TrainableAt(epoch) != trainable)
                {
                    trainable = schedule.TrainableAt(epoch);
                    Freezer.FreezeTo(groups, groups.Count - trainable);
                    optimizer?.Dispose();
                    optimizer = CreateOptimizer(groups);
                    cache?.Dispose();
                    // Only the softmax layer trains: the encoder's pooled features do not change, so compute them once.
                    cache = trainable == 1 ? FrozenFeatures.Compute(model, documents, validationDocuments) : null;
                    context.Logger.LogDebug("Document classifier epoch {Epoch}: trainable layers {Layers}{Cached}",
                        epoch, string.Join(", ", groups.TrainableNames), cache is null ? "" : " (pooled features cached)");
                }
                using var order = randperm(documents.shape[0], generator: shuffle).to(documents.device);
                for (long start = 0; start < order.shape[0]; start += BatchSize)
                {
                    context.Cancellation.ThrowIfCancellationRequested();
                    using var scope = NewDisposeScope();
                    var rows = order.narrow(0, start, Math.Min(BatchSize, order.shape[0] - start));
                    optimizer!.zero_grad();
                    var features = cache is null ? model.Features(documents.index_select(0, rows)) : cache.Train.index_select(0, rows);
                    var loss = nn.functional.cross_entropy(model.Classify(Dropped(features, dropping)), labels.index_select(0, rows));
                    loss.backward();
                    optimizer.step();
                    onBatch();
                }
                var accuracy = cache is null ? Accuracy(model, validationDocuments, validationLabels) : cache.ValidationAccuracy(model, validationLabels);
                return new Dictionary<string, double> { ["validationAccuracy"] = accuracy };
            }, $"document classifier: {System.Text.Json.JsonSerializer.Serialize(Options)}")
            {
                Generators = new Dictionary<string, Generator> { ["shuffle"] = shuffle, ["dropout"] = dropping },
            };
            var loop = new EpochLoop(new EpochLoopSettings
            {
                Stage = "document classifier", Epochs = Epochs, Monitor = MonitoredMetric.Highest("validationAccuracy"), Patience = Patience,
                EarliestStop = schedule.AllTrainableFrom,
                // Hundreds of short epochs inside the text stage: logged at Debug level only.
                LogEpochs = false,
            });
            var batches = (int)((documents.shape[0] + BatchSize - 1) / BatchSize);
            var result = loop.Run(body, context, batches);
            return (result.BestValue ?? double.NaN, result.BestEpoch, result.Epochs.Count);
        }
        finally
        {
            Freezer.UnfreezeAll(groups);
            optimizer?.Dispose();
            cache?.Dispose();
        }
    }

    /// <summary>One Adam group per trainable layer, each at <see cref="DocumentClassifierTrainingOptions.LayerLearningRateFactor"/> times the rate of the layer above.</summary>
    private optim.Optimizer CreateOptimizer(LayerGroups groups) =>
        Optimizers.Create(OptimizerKind.Adam, groups.TrainableWithRates(LearningRate, Options.LayerLearningRateFactor));

    /// <summary>Inverted dropout on pooled features, masks from the run's own generator.</summary>
    private Tensor Dropped(Tensor features, Generator generator) =>
        Options.Dropout == 0 ? features : SeededDropout.Apply(features, Options.Dropout, generator);

    /// <summary>The fraction of <paramref name="documents"/> classified as <paramref name="labels"/> says.</summary>
    public static double Accuracy(DocumentClassifier model, Tensor documents, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Accuracy(model.Forward, documents, labels);
    }

    /// <summary>
    /// The fraction of <paramref name="inputs"/> (documents, or pooled features with the head alone as
    /// <paramref name="logitsOf"/>) whose largest logit is the class <paramref name="labels"/> says, in chunks of 256.
    /// </summary>
    internal static double Accuracy(Func<Tensor, Tensor> logitsOf, Tensor inputs, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(labels);
        using var _ = no_grad();
        long correct = 0;
        for (long start = 0; start < inputs.shape[0]; start += 256)
        {
            using var scope = NewDisposeScope();
            var n = Math.Min(256, inputs.shape[0] - start);
            correct += (logitsOf(inputs.narrow(0, start, n)).argmax(1) == labels.narrow(0, start, n)).sum().item<long>();
        }
        return inputs.shape[0] == 0 ? double.NaN : (double)correct / inputs.shape[0];
    }
}
