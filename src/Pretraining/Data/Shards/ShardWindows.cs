using static TorchSharp.torch;

namespace Pretrain.Pretraining.Data.Shards;

/// <summary>
/// Minibatches from a <see cref="ShardSet"/> under a bound on the rows held: shards are read one at a time into a
/// window of <see cref="WindowRows"/> rows, and batches are drawn from the window. With a generator, the shard order is
/// a uniform random permutation on each pass, and rows are shuffled uniformly within each window (which also holds the
/// fewer than one batch of rows left over from the window before); a batch therefore mixes rows of the few shards that
/// are neighbours in that pass's order, not of the whole set, unless the window holds every row, when the order is a
/// uniform shuffle of all rows. Without a generator, rows come in storage order.
/// </summary>
internal sealed class ShardWindows
{
    private readonly ShardSet _set;
    private readonly Tensor? _keep;

    /// <summary>Reads <paramref name="set"/>, keeping only the rows where <paramref name="keep"/> (bool [N], host) is true when given.</summary>
    public ShardWindows(ShardSet set, long windowRows, Tensor? keep)
    {
        _set = set;
        _keep = keep;
        WindowRows = Math.Max(1, windowRows);
    }

    /// <summary>Rows held in the window (at least one batch is always held, whatever this says).</summary>
    public long WindowRows { get; }

    /// <summary>The most bytes of rows this reader has held at once (window buffers plus the shard being read).</summary>
    public long PeakHeldBytes { get; private set; }

    /// <summary>
    /// Every kept row once, as (features float32 [B, Width], labels int64 [B] or null) on <paramref name="device"/>. The
    /// enumerator owns each pair and disposes it when the next is requested.
    /// </summary>
    public IEnumerable<(Tensor Features, Tensor? Labels)> Batches(int batchSize, Generator? shuffle, Device device)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var capacity = Math.Max(WindowRows, batchSize);
        var labeled = _set.Manifest.Labeled;
        using var window = empty([capacity, _set.Width], ScalarType.Float32).DetachFromDisposeScope();
        using var windowLabels = labeled ? empty([capacity], ScalarType.Int64).DetachFromDisposeScope() : null;
        var order = ShardOrder(shuffle);
        long filled = 0;
        for (var position = 0; position < _set.ShardCount; position++)
        {
            var shard = order[position];
            var (x, y) = ReadKept(shard, capacity * (_set.RowBytes + (labeled ? sizeof(long) : 0)));
            using (x)
            using (y)
            {
                for (long done = 0; done < x.shape[0];)
                {
                    var take = Math.Min(x.shape[0] - done, capacity - filled);
                    using (var scope = NewDisposeScope())
                    {
                        window.narrow(0, filled, take).copy_(x.narrow(0, done, take));
                        windowLabels?.narrow(0, filled, take).copy_(y!.narrow(0, done, take));
                    }
                    (filled, done) = (filled + take, done + take);
                    if (filled < capacity)
                        continue;
                    // The window is full: hand out its batches, keep the rows that do not fill one for the next window.
                    foreach (var batch in Drain(window, windowLabels, filled, batchSize, shuffle, device, last: false))
                        yield return batch;
                    filled %= batchSize;
                }
            }
        }
        foreach (var batch in Drain(window, windowLabels, filled, batchSize, shuffle, device, last: true))
            yield return batch;
    }

    private int[] ShardOrder(Generator? shuffle)
    {
        if (shuffle is null)
            return Enumerable.Range(0, _set.ShardCount).ToArray();
        using var scope = NewDisposeScope();
        return randperm(_set.ShardCount, generator: shuffle).data<long>().Select(i => (int)i).ToArray();
    }

    private (Tensor X, Tensor? Y) ReadKept(int shard, long windowBytes)
    {
        // Both detached from any scope: the caller's loop may hold a scope open across the enumerator's steps.
        var (x, y) = _set.ReadShard(shard);
        PeakHeldBytes = Math.Max(PeakHeldBytes, windowBytes + x.numel() * sizeof(float) + (y is null ? 0 : y.numel() * sizeof(long)));
        if (_keep is null)
            return (x, y);
        using var scope = NewDisposeScope();
        var rows = _keep.narrow(0, _set.ShardStart(shard), x.shape[0]).nonzero().flatten();
        var kept = (x.index_select(0, rows).DetachFromDisposeScope(), y?.index_select(0, rows).DetachFromDisposeScope());
        x.Dispose();
        y?.Dispose();
        return kept;
    }

    private static IEnumerable<(Tensor, Tensor?)> Drain(Tensor window, Tensor? labels, long filled, int batchSize, Generator? shuffle, Device device, bool last)
    {
        if (filled == 0)
            yield break;
        using var permutation = (shuffle is null ? arange(filled) : randperm(filled, generator: shuffle)).DetachFromDisposeScope();
        var full = filled / batchSize * batchSize;
        var end = last ? filled : full;
        for (long start = 0; start < end; start += batchSize)
        {
            Tensor x;
            Tensor? y;
            using (var scope = NewDisposeScope())
            {
                var rows = permutation.narrow(0, start, Math.Min(batchSize, end - start));
                x = window.index_select(0, rows).to(device).DetachFromDisposeScope();
                y = labels?.index_select(0, rows).to(device).DetachFromDisposeScope();
            }
            try
            {
                yield return (x, y);
            }
            finally
            {
                x.Dispose();
                y?.Dispose();
            }
        }
        if (last || full == filled)
            yield break;
        // The rows left over go to the front of the window, to be mixed into the next one.
        using var scope2 = NewDisposeScope();
        var rest = permutation.narrow(0, full, filled - full);
        var carried = window.index_select(0, rest);
        window.narrow(0, 0, filled - full).copy_(carried);
        if (labels is not null)
            labels.narrow(0, 0, filled - full).copy_(labels.index_select(0, rest));
    }
}
