using Pretrain.Pretraining.Runtime;

namespace Pretrain.Pretraining.Layers;

/// <summary>
/// A layer that can be pretrained without labels (an autoencoder, an RBM, a convolutional autoencoder). The greedy
/// driver calls <see cref="Describe"/> for every layer before training any (so a bad stack fails in seconds, not after
/// an hour on layer 1), then <see cref="Fit"/> lowest layer first.
/// </summary>
public interface ILayerTrainer
{
    /// <summary>The method as recipes and manifests name it: <c>autoencoder</c>, <c>rbm</c>, <c>convAutoencoder</c>, <c>convRbm</c>.</summary>
    string Kind { get; }

    /// <summary>
    /// Checks that this layer can take examples of <paramref name="inputShape"/> and returns the shape of its outputs,
    /// without training: dense layers take any shape (flattened to <c>[D]</c>) and give <c>[hidden]</c>;
    /// convolutional layers take <c>[C, H, W]</c> (or <c>[H, W]</c>) and give <c>[C', H', W']</c>. Throws
    /// <see cref="PretrainException"/> naming the problem and the sizes otherwise.
    /// </summary>
    IReadOnlyList<long> Describe(IReadOnlyList<long> inputShape);

    /// <summary>
    /// Trains on <paramref name="train"/> (early stopping on <paramref name="validation"/> when given and enabled),
    /// reporting each epoch to <paramref name="callback"/> under <paramref name="stage"/>; checks
    /// <see cref="RunContext.Cancellation"/> every batch. Returns the frozen encoder.
    /// </summary>
    PretrainedLayer Fit(ILayerInput train, ILayerInput? validation, RunContext context, string stage, ITrainingCallback? callback = null);
}
