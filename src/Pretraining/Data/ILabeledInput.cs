using static TorchSharp.torch;

namespace Pretrain.Pretraining.Data;

/// <summary>
/// Labeled examples read batch by batch by supervised training and evaluation: held in memory (<see cref="Dataset"/>)
/// or streamed from a shard folder under a memory budget (<see cref="Shards.ShardedLayerInput"/>). The labeled
/// counterpart of <see cref="Layers.ILayerInput"/>; implementations that own tensors are disposable.
/// </summary>
public interface ILabeledInput
{
    /// <summary>Number of examples N.</summary>
    long Count { get; }

    /// <summary>Values per example D (the product of <see cref="SampleShape"/>).</summary>
    int FeatureCount { get; }

    /// <summary>Shape of one example before flattening (e.g. [28, 28]).</summary>
    IReadOnlyList<long> SampleShape { get; }

    /// <summary>Number of classes (0 when unlabeled).</summary>
    int ClassCount { get; }

    /// <summary>Where the examples come from, for logs and error messages.</summary>
    string Source { get; }

    /// <summary>Whether the examples have labels (<see cref="LabeledBatches"/> throws when not).</summary>
    bool HasLabels { get; }

    /// <summary>
    /// Every example once, as (features float32 [B, D], labels int64 [B]) on <paramref name="device"/>, in an order drawn
    /// from <paramref name="shuffle"/> (in storage order when null; what randomness a shuffle gives depends on the
    /// implementation). Only the last batch may be shorter than <paramref name="batchSize"/>, so an epoch has
    /// ceil(N / B) batches. The enumerator owns each pair and disposes it when the next one is requested (a loop body's
    /// own dispose scope need not, and a batch that must outlive its iteration has to be cloned).
    /// </summary>
    IEnumerable<(Tensor Features, Tensor Labels)> LabeledBatches(int batchSize, Generator? shuffle, Device device);
}
