using Pretrain.Pretraining.Runtime;

namespace Pretrain.Pretraining.Layers;

/// <summary>
/// A layer that can be pretrained without labels (an autoencoder, an RBM). The greedy driver calls
/// <see cref="Describe"/> for every layer before training any (so a bad stack fails in seconds, not after an hour on
/// layer 1), then <see cref="Fit"/> lowest layer first.
/// </summary>
public interface ILayerTrainer
{
    /// <summary>The method as recipes and manifests name it: <c>autoencoder</c>, <c>rbm</c>.</summary>
    string Kind { get; }

    /// <summary>
    /// Checks that this layer can take inputs of width <paramref name="inputSize"/> and returns its output width,
    /// without training. Throws <see cref="PretrainException"/> naming the problem otherwise.
    /// </summary>
    int Describe(int inputSize);

    /// <summary>
    /// Trains on <paramref name="train"/> (early stopping on <paramref name="validation"/> when given and enabled),
    /// reporting each epoch to <paramref name="callback"/> under <paramref name="stage"/>; checks
    /// <see cref="RunContext.Cancellation"/> every batch. Returns the frozen encoder.
    /// </summary>
    PretrainedLayer Fit(ILayerInput train, ILayerInput? validation, RunContext context, string stage, ITrainingCallback? callback = null);
}
