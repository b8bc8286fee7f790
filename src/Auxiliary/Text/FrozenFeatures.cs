using Pretrain.Pretraining.Data;
using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Text;

/// <summary>
/// The pooled features of the training and validation documents while a classifier's encoder is frozen: computed once,
/// so the epochs that train only the softmax layer cost a matrix product instead of a pass through the encoder.
/// </summary>
internal sealed class FrozenFeatures : IDisposable
{
    private FrozenFeatures(Tensor train, Tensor validation) => (Train, Validation) = (train, validation);

    /// <summary>Pooled features of the training documents, in their order.</summary>
    public Tensor Train { get; }

    /// <summary>Pooled features of the validation documents, in their order.</summary>
    public Tensor Validation { get; }

    /// <summary>Encodes both sets with the classifier's (frozen) encoder, in chunks, without gradients (<see cref="ChunkedEncoder"/>).</summary>
    public static FrozenFeatures Compute(DocumentClassifier model, Tensor train, Tensor validation) => new(Encode(model, train), Encode(model, validation));

    /// <summary>The fraction of the validation documents the classifier's softmax layer gets right from the cached features.</summary>
    public double ValidationAccuracy(DocumentClassifier model, Tensor labels) => DocumentClassifierTrainer.Accuracy(model.Classify, Validation, labels);

    /// <inheritdoc />
    public void Dispose()
    {
        Train.Dispose();
        Validation.Dispose();
    }

    private static Tensor Encode(DocumentClassifier model, Tensor documents) =>
        new ChunkedEncoder().Encode(documents, model.Features, documents.device);
}
