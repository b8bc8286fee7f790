using Pretrain.Pretraining.Layers;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Data.Shards;

/// <summary>
/// A layer input streamed from a <see cref="ShardSet"/> through a window of at most <see cref="WindowRows"/> rows
/// (<see cref="ShardWindows"/> says what randomness its shuffling gives): layer pretraining on data larger than memory,
/// the frozen-output cache when it spills to disk, and, as an <see cref="ILabeledInput"/>, fine-tuning and evaluation on
/// labeled shards. Optionally skips rows (a validation hold-out) and transforms each batch (the input scaling). When it
/// owns its folder (a spilled cache), disposing it deletes the folder.
/// </summary>
public sealed class ShardedLayerInput : ILayerInput, ILabeledInput, IDisposable
{
    private readonly ShardWindows _windows;
    private readonly Func<Tensor, Tensor>? _transform;
    private readonly Tensor? _keep;
    private readonly bool _ownsFolder;
    private bool _disposed;

    /// <summary>Streams <paramref name="set"/> holding at most about <paramref name="windowBytes"/> of rows at a time.</summary>
    /// <param name="set">The shards.</param>
    /// <param name="windowBytes">Bytes of rows held in the shuffling window (at least one batch is always held).</param>
    /// <param name="keep">bool [N]: the rows to read (a copy is kept); null for all.</param>
    /// <param name="transform">Applied to each batch of float32 [B, Width] on the device (e.g. scaling); null for none.</param>
    /// <param name="ownsFolder">Delete the shard folder when disposed (a spilled cache).</param>
    public ShardedLayerInput(ShardSet set, long windowBytes, Tensor? keep = null, Func<Tensor, Tensor>? transform = null, bool ownsFolder = false)
    {
        ArgumentNullException.ThrowIfNull(set);
        Set = set;
        if (keep is not null)
        {
            if (keep.dtype != ScalarType.Bool || keep.shape is not [var n] || n != set.Count)
                throw new ArgumentException($"keep must be bool [{set.Count}], received {keep.dtype} [{string.Join(", ", keep.shape)}].", nameof(keep));
            _keep = keep.cpu().clone().DetachFromDisposeScope();
        }
        using (var scope = NewDisposeScope())
            Count = _keep is null ? set.Count : _keep.sum().item<long>();
        _windows = new ShardWindows(set, windowBytes / (set.RowBytes + (set.Manifest.Labeled ? sizeof(long) : 0)), _keep);
        _transform = transform;
        _ownsFolder = ownsFolder;
    }

    /// <summary>The shards read.</summary>
    public ShardSet Set { get; }

    /// <inheritdoc />
    public long Count { get; }

    /// <inheritdoc />
    public int Width => Set.Width;

    /// <inheritdoc />
    public IReadOnlyList<long> SampleShape => Set.SampleShape;

    /// <inheritdoc />
    int ILabeledInput.FeatureCount => Width;

    /// <summary>The manifest's class count (0 when it has none).</summary>
    public int ClassCount => Set.Manifest.ClassCount ?? 0;

    /// <summary>The shard folder.</summary>
    public string Source => Set.Folder;

    /// <inheritdoc />
    public bool HasLabels => Set.Manifest.Labeled;

    /// <summary>Rows held in the shuffling window.</summary>
    public long WindowRows => _windows.WindowRows;

    /// <summary>The most bytes of rows held at once so far (window plus the shard being read), measured as they are allocated.</summary>
    public long PeakHeldBytes => _windows.PeakHeldBytes;

    /// <inheritdoc />
    public IEnumerable<Tensor> Batches(int batchSize, Generator? shuffle, Device device)
    {
        foreach (var (x, _) in _windows.Batches(batchSize, shuffle, device))
        {
            // [B, Width] -> [B, ...SampleShape], then the transform; released with the enumerator's next step.
            Tensor batch;
            using (var scope = NewDisposeScope())
            {
                var shaped = x.reshape([x.shape[0], .. Set.SampleShape]);
                batch = (_transform is null ? shaped : _transform(shaped)).DetachFromDisposeScope();
            }
            try
            {
                yield return batch;
            }
            finally
            {
                batch.Dispose();
            }
        }
    }

    /// <summary>
    /// Labeled minibatches (features float32 [B, Width] after the transform, labels int64 [B]), for supervised training
    /// and evaluation, drawn like <see cref="Batches"/>: a pass with the same generator state gives the same batches.
    /// </summary>
    public IEnumerable<(Tensor Features, Tensor Labels)> LabeledBatches(int batchSize, Generator? shuffle, Device device)
    {
        if (!Set.Manifest.Labeled)
            throw new DataException(Set.Folder, "supervised training needs labels; the shards have none.");
        foreach (var (x, y) in _windows.Batches(batchSize, shuffle, device))
        {
            Tensor batch;
            using (var scope = NewDisposeScope())
                batch = (_transform is null ? x.alias() : _transform(x)).DetachFromDisposeScope();
            try
            {
                yield return (batch, y!);
            }
            finally
            {
                batch.Dispose();
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // Idempotent: a stream can be shared (fine-tuning reads the pretraining stream) and disposed by each holder.
        if (_disposed)
            return;
        _disposed = true;
        _keep?.Dispose();
        if (_ownsFolder && Directory.Exists(Set.Folder))
            Directory.Delete(Set.Folder, recursive: true);
    }
}
