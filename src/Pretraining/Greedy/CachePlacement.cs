namespace Pretrain.Pretraining.Greedy;

/// <summary>Where a frozen layer's outputs are kept while the layer above trains on them.</summary>
public enum CachePlacement
{
    /// <summary>On the training device (a CUDA device with room for them).</summary>
    Device,
    /// <summary>In host memory; batches are copied to the device as they are used.</summary>
    Host,
    /// <summary>Spilled to shards on disk and streamed back through a bounded window (<see cref="Data.Shards.ShardedLayerInput"/>).</summary>
    DiskShards,
}

/// <summary>Where a cache goes and why, as the log says it.</summary>
/// <param name="Placement">Device, host or disk shards.</param>
/// <param name="Reason">Why, with the sizes compared.</param>
public sealed record CachePlan(CachePlacement Placement, string Reason);
