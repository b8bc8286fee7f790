using static TorchSharp.torch;

namespace Pretrain.Pretraining.Layers;

/// <summary>
/// The inputs of one layer being pretrained: the raw data for layer 1, or the cached outputs of the frozen layers
/// below it for layer k. The greedy driver computes the cache once; trainers only read it.
/// </summary>
public interface ILayerInput
{
    /// <summary>Number of examples N.</summary>
    long Count { get; }

    /// <summary>Values per example (the product of <see cref="SampleShape"/>).</summary>
    int Width { get; }

    /// <summary>Shape of one example: <c>[D]</c> for flat features, <c>[C, H, W]</c> (or <c>[H, W]</c>) for images.</summary>
    IReadOnlyList<long> SampleShape { get; }

    /// <summary>
    /// Minibatches of float32 [B, ...SampleShape] on <paramref name="device"/>, covering every example once, in an order
    /// drawn from <paramref name="shuffle"/> (or in storage order when null). The enumerator owns each batch tensor and
    /// disposes it when the next one is requested (so a loop body's own dispose scope need not, and a batch that must
    /// outlive its iteration has to be cloned).
    /// </summary>
    IEnumerable<Tensor> Batches(int batchSize, Generator? shuffle, Device device);
}
