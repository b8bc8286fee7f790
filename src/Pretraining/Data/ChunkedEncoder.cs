using Pretrain.Pretraining.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Data;

/// <summary>
/// Computes a frozen function's outputs (lower layers of a network, a pretrained layer, a feature map) for a whole
/// data set once, chunk by chunk under <c>no_grad</c>, into one tensor: the frozen-output cache of the greedy driver,
/// the cached bottom of fine-tuning and the linear probe's features all come from here. The result lives on the
/// training device when it fits within <see cref="DeviceBudgetBytes"/> (a CUDA device), otherwise in host memory, from
/// where batches are copied to the device as they are used.
/// </summary>
public sealed class ChunkedEncoder
{
    /// <summary>
    /// Rows encoded per step. Default 256: enough rows for efficient matrix products, few enough that a frozen
    /// convolutional bottom's feature maps stay small (see <see cref="RowsWithin"/>).
    /// </summary>
    public int ChunkSize { get; init; } = 256;

    /// <summary>Size of the largest tensor one chunk should make, for <see cref="RowsWithin"/>: 16 MiB.</summary>
    public const long ChunkBytes = 16L << 20;

    /// <summary>
    /// Rows per chunk (at most <paramref name="maxRows"/>, at least 16) whose largest float32 tensor of
    /// <paramref name="valuesPerRow"/> values a row stays within <see cref="ChunkBytes"/>. Why: chunks of convolutional
    /// feature maps reach hundreds of megabytes at 1,024 rows, and memory that large is mapped afresh for every chunk
    /// (and faulted in page by page), which made caching a conv layer's outputs take ten times its compute.
    /// </summary>
    public static int RowsWithin(long valuesPerRow, int maxRows)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(valuesPerRow);
        return (int)Math.Clamp(ChunkBytes / (valuesPerRow * sizeof(float)), 16, Math.Max(16, maxRows));
    }

    /// <summary>Largest result kept on a CUDA device. Default 2 GiB.</summary>
    public long DeviceBudgetBytes { get; init; } = 2L << 30;

    /// <summary>Encodes every row of <paramref name="rows"/> (float32 [N, ...], any device) with <paramref name="encode"/> on <paramref name="device"/>.</summary>
    public Tensor Encode(Tensor rows, Func<Tensor, Tensor> encode, Device device)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return Encode(rows.shape[0], Chunks(rows, device), encode, device);
    }

    /// <summary>Encodes every example of <paramref name="input"/>, in storage order, with <paramref name="encode"/> on <paramref name="device"/>.</summary>
    public Tensor Encode(ILayerInput input, Func<Tensor, Tensor> encode, Device device)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Encode(input.Count, input.Batches(ChunkSize, shuffle: null, device), encode, device);
    }

    /// <summary>
    /// Encodes every example of <paramref name="input"/>, in storage order, into <paramref name="writer"/>'s shards: the
    /// result never has to fit in memory (the writer holds one shard).
    /// </summary>
    public void EncodeTo(ILayerInput input, Func<Tensor, Tensor> encode, Device device, Shards.ShardWriter writer)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(encode);
        ArgumentNullException.ThrowIfNull(writer);
        using var _ = no_grad();
        foreach (var chunk in input.Batches(ChunkSize, shuffle: null, device))
        {
            using var scope = NewDisposeScope();
            writer.Append(encode(chunk));
        }
    }

    /// <summary>Where a result of <paramref name="bytes"/> bytes is kept when training on <paramref name="device"/>.</summary>
    public Device Placement(long bytes, Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return device.type == DeviceType.CUDA && bytes <= DeviceBudgetBytes ? device : CPU;
    }

    private Tensor Encode(long count, IEnumerable<Tensor> chunks, Func<Tensor, Tensor> encode, Device device)
    {
        ArgumentNullException.ThrowIfNull(encode);
        Tensor? result = null;
        long row = 0;
        try
        {
            using var _ = no_grad();
            foreach (var chunk in chunks)
            {
                using var scope = NewDisposeScope();
                var encoded = encode(chunk);
                // The first chunk tells the output's shape; the whole result is allocated once, not concatenated.
                result ??= Allocate(count, encoded, device);
                result.narrow(0, row, encoded.shape[0]).copy_(encoded);
                row += encoded.shape[0];
            }
        }
        catch
        {
            result?.Dispose();
            throw;
        }
        if (row != count)
        {
            result?.Dispose();
            throw new InvalidOperationException($"encoding produced {row} rows for {count} inputs.");
        }
        return result ?? empty([0], ScalarType.Float32).DetachFromDisposeScope();
    }

    private Tensor Allocate(long count, Tensor first, Device device)
    {
        var shape = first.shape.ToArray();
        shape[0] = count;
        var bytes = shape.Aggregate(1L, (a, b) => a * b) * first.ElementSize;
        return empty(shape, first.dtype, device: Placement(bytes, device)).DetachFromDisposeScope();
    }

    private IEnumerable<Tensor> Chunks(Tensor rows, Device device)
    {
        for (long start = 0; start < rows.shape[0]; start += ChunkSize)
        {
            using var chunk = rows.narrow(0, start, Math.Min(ChunkSize, rows.shape[0] - start)).to(device);
            yield return chunk;
        }
    }
}
