using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Training;
using Pretrain.Pretraining.Validation;
using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Text;

/// <summary>
/// Trains a <see cref="DocumentClassifier"/> with Adam and cross-entropy, keeping the weights of the epoch with the
/// best validation accuracy (restored at the end) and stopping after <c>patience</c> epochs without improvement.
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

    /// <summary>Trains and returns the best validation accuracy and the epoch it was reached.</summary>
    public (double ValidationAccuracy, int BestEpoch, int EpochsRun) Fit(DocumentClassifier model, Tensor documents, Tensor labels, Tensor validationDocuments, Tensor validationLabels, RunContext context)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(context);
        var parameters = model.Parameters.ToList();
        using var optimizer = optim.Adam(parameters, LearningRate);
        using var shuffle = context.CreateGenerator(RandomStream.DocumentShuffle);
        var weights = parameters.Select((p, i) => (p, i)).ToDictionary(x => $"parameter{x.i}", x => (Tensor)x.p);
        var body = new EpochBody(weights, (epoch, onBatch) =>
        {
            using var order = randperm(documents.shape[0], generator: shuffle).to(documents.device);
            for (long start = 0; start < order.shape[0]; start += BatchSize)
            {
                context.Cancellation.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var rows = order.narrow(0, start, Math.Min(BatchSize, order.shape[0] - start));
                optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(model.Forward(documents.index_select(0, rows)), labels.index_select(0, rows));
                loss.backward();
                optimizer.step();
                onBatch();
            }
            return new Dictionary<string, double> { ["validationAccuracy"] = Accuracy(model, validationDocuments, validationLabels) };
        }, $"document classifier: epochs {Epochs}, batch {BatchSize}, rate {LearningRate}, patience {Patience}")
        {
            Optimizer = optimizer,
            Generators = new Dictionary<string, Generator> { ["shuffle"] = shuffle },
        };
        var loop = new EpochLoop(new EpochLoopSettings
        {
            Stage = "document classifier", Epochs = Epochs, Monitor = MonitoredMetric.Highest("validationAccuracy"), Patience = Patience,
            // Hundreds of short epochs inside the text stage: logged at Debug level only.
            LogEpochs = false,
        });
        var batches = (int)((documents.shape[0] + BatchSize - 1) / BatchSize);
        var result = loop.Run(body, context, batches);
        return (result.BestValue ?? double.NaN, result.BestEpoch, result.Epochs.Count);
    }

    /// <summary>The fraction of <paramref name="documents"/> classified as <paramref name="labels"/> says.</summary>
    public static double Accuracy(DocumentClassifier model, Tensor documents, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(labels);
        using var _ = no_grad();
        long correct = 0;
        for (long start = 0; start < documents.shape[0]; start += 256)
        {
            using var scope = NewDisposeScope();
            var n = Math.Min(256, documents.shape[0] - start);
            correct += (model.Forward(documents.narrow(0, start, n)).argmax(1) == labels.narrow(0, start, n)).sum().item<long>();
        }
        return documents.shape[0] == 0 ? double.NaN : (double)correct / documents.shape[0];
    }
}
