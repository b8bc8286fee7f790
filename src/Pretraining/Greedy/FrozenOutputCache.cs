using Pretrain.Pretraining.Data;
using Pretrain.Pretraining.Layers;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Greedy;

/// <summary>
/// Computes a frozen layer's outputs for a whole data set once, so the layer above trains on them without
/// recomputing the layers below every epoch. The cache lives on the training device when it fits within
/// <see cref="DeviceBudgetBytes"/>, otherwise in host memory (batches are then copied to the device as they are used);
/// the encoding itself is the shared <see cref="ChunkedEncoder"/>.
/// </summary>
public sealed class FrozenOutputCache
{
    /// <summary>Largest cache kept on a CUDA device. Default 2 GiB.</summary>
    public long DeviceBudgetBytes { get; init; } = 2L << 30;

    /// <summary>Rows encoded per step while building the cache. Default 1024.</summary>
    public int BatchSize { get; init; } = 1024;

    /// <summary>Encodes every example of <paramref name="input"/> with <paramref name="layer"/> (on <paramref name="device"/>).</summary>
    public TensorLayerInput Build(PretrainedLayer layer, ILayerInput input, Device device)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(input);
        var encoder = new ChunkedEncoder { ChunkSize = BatchSize, DeviceBudgetBytes = DeviceBudgetBytes };
        return new TensorLayerInput(encoder.Encode(input, layer.Encode, device));
    }

}
