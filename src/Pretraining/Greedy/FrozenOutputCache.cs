using Pretrain.Pretraining.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Greedy;

/// <summary>
/// Computes a frozen layer's outputs for a whole data set once, so the layer above trains on them without
/// recomputing the layers below every epoch. The cache lives on the training device when it fits within
/// <see cref="DeviceBudgetBytes"/>, otherwise in host memory (batches are then copied to the device as they are used).
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
        var bytes = input.Count * layer.OutputSize * sizeof(float);
        var target = device.type == DeviceType.CUDA && bytes <= DeviceBudgetBytes ? device : CPU;
        var cache = empty([input.Count, layer.OutputSize], ScalarType.Float32, device: target).DetachFromDisposeScope();
        try
        {
            using var _ = no_grad();
            long row = 0;
            foreach (var batch in input.Batches(BatchSize, shuffle: null, device))
            {
                using var scope = NewDisposeScope();
                var encoded = layer.Encode(batch);
                cache.narrow(0, row, encoded.shape[0]).copy_(encoded);
                row += encoded.shape[0];
            }
        }
        catch
        {
            cache.Dispose();
            throw;
        }
        return new TensorLayerInput(cache);
    }
}
