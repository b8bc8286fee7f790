using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Validation;
using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Text;

/// <summary>
/// Trains a <see cref="DocumentClassifier"/> with Adam and cross-entropy, keeping the weights of the epoch with the
/// best validation accuracy (restored at the end) and stopping after <c>patience</c> epochs without improvement.
/// </summary>
public sealed class DocumentClassifierTrainer
{
    private const int ShuffleStream = 701;

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
        using var shuffle = context.CreateGenerator(ShuffleStream);
        var best = (Accuracy: -1.0, Epoch: 0);
        var snapshot = new List<Tensor>();
        var epoch = 0;
        try
        {
            for (epoch = 1; epoch <= Epochs && epoch - best.Epoch <= Patience; epoch++)
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
                }
                var accuracy = Accuracy(model, validationDocuments, validationLabels);
                if (accuracy > best.Accuracy)
                {
                    best = (accuracy, epoch);
                    foreach (var t in snapshot)
                        t.Dispose();
                    snapshot = parameters.Select(p => p.detach().clone().DetachFromDisposeScope()).ToList();
                }
            }
            using (no_grad())
                for (var i = 0; i < parameters.Count; i++)
                    parameters[i].copy_(snapshot[i]);
        }
        finally
        {
            foreach (var t in snapshot)
                t.Dispose();
        }
        return (best.Accuracy, best.Epoch, epoch - 1);
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
