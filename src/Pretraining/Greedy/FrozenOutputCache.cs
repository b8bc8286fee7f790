using Pretrain.Pretraining.Data;
using Pretrain.Pretraining.Data.Shards;
using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Greedy;

/// <summary>
/// Computes a frozen layer's outputs for a whole data set once, so the layer above trains on them without
/// recomputing the layers below every epoch. The cache lives on the training device when it fits within
/// <see cref="DeviceBudgetBytes"/>; otherwise in host memory when it fits half the <see cref="MemoryBudget"/> (or when no
/// budget is set); otherwise it is spilled to shards on disk and streamed back through a window of a quarter of the
/// budget (<see cref="ShardedLayerInput"/>). The encoding itself is the shared <see cref="ChunkedEncoder"/>.
/// </summary>
public sealed class FrozenOutputCache
{
    /// <summary>Largest cache kept on a CUDA device. Default 2 GiB.</summary>
    public long DeviceBudgetBytes { get; init; } = 2L << 30;

    /// <summary>Rows encoded per step while building the cache. Default 1024.</summary>
    public int BatchSize { get; init; } = 1024;

    /// <summary>Host memory the run's data may use; null (default) keeps every cache in memory.</summary>
    public MemoryBudget? MemoryBudget { get; init; }

    /// <summary>Where spilled caches are written (each in its own folder, deleted when the cache is dropped). Default: the system's temporary folder.</summary>
    public string? SpillFolder { get; init; }

    /// <summary>Largest shard of a spilled cache. Default 64 MiB (less under a small budget: an eighth of it).</summary>
    public long SpillShardBytes { get; init; } = 64L << 20;

    /// <summary>Where a cache of <paramref name="bytes"/> goes when training on <paramref name="device"/>, and why.</summary>
    public CachePlan Plan(long bytes, Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        var size = Runtime.MemoryBudget.Format(bytes);
        if (device.type == DeviceType.CUDA && bytes <= DeviceBudgetBytes)
            return new(CachePlacement.Device, $"{size} fits the device budget of {Runtime.MemoryBudget.Format(DeviceBudgetBytes)}");
        var notDevice = device.type == DeviceType.CUDA ? $"more than the device budget of {Runtime.MemoryBudget.Format(DeviceBudgetBytes)}" : "training on the CPU";
        if (MemoryBudget is not { } budget)
            return new(CachePlacement.Host, $"{size}, {notDevice}, no memory budget set");
        if (bytes <= budget.Bytes / 2)
            return new(CachePlacement.Host, $"{size}, {notDevice}, fits half the memory budget of {budget}");
        return new(CachePlacement.DiskShards, $"{size}, {notDevice}, more than half the memory budget of {budget}");
    }

    /// <summary>
    /// Encodes every example of <paramref name="input"/> with <paramref name="layer"/> (on <paramref name="device"/>)
    /// into a cache placed as <paramref name="plan"/> says. Dispose the result to drop the cache (and its spill folder).
    /// </summary>
    public ILayerInput Build(PretrainedLayer layer, ILayerInput input, Device device, CachePlan plan)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(plan);
        var encoder = new ChunkedEncoder
        {
            ChunkSize = ChunkedEncoder.RowsWithin(Math.Max(layer.WidestIntermediateSize, layer.InputSize), BatchSize),
            DeviceBudgetBytes = plan.Placement == CachePlacement.Device ? DeviceBudgetBytes : -1,
        };
        if (plan.Placement != CachePlacement.DiskShards)
            return new TensorLayerInput(encoder.Encode(input, layer.Encode, device));

        var budget = MemoryBudget!.Value.Bytes;
        var folder = Path.Combine(SpillFolder ?? Path.GetTempPath(), $"pretrain-frozen-{Guid.NewGuid():N}");
        try
        {
            var rowBytes = layer.OutputSize * (long)sizeof(float);
            using (var writer = new ShardWriter(folder, layer.OutputShape, labeled: false, ShardWriter.RowsFor(Math.Min(SpillShardBytes, budget / 8), rowBytes))
                // Not durable: a spilled cache lives in a fresh folder that is deleted once the layer above is trained and
                // rebuilt from the frozen layer after a crash, so syncing every shard to the disk would only make training wait.
                { Source = $"frozen outputs of a {layer.Kind} layer", Checksums = false, Durable = false })
            {
                encoder.EncodeTo(input, layer.Encode, device, writer);
                writer.Complete();
            }
            return new ShardedLayerInput(ShardSet.Open(folder), budget / 4, ownsFolder: true);
        }
        catch
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
            throw;
        }
    }

    /// <summary>Encodes <paramref name="input"/> into a cache placed by <see cref="Plan"/> for its size.</summary>
    public ILayerInput Build(PretrainedLayer layer, ILayerInput input, Device device)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(input);
        return Build(layer, input, device, Plan(input.Count * layer.OutputSize * sizeof(float), device));
    }
}
