using Pretrain.Pretraining.Data;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Caching;

/// <summary>
/// Labeled examples seen through a frozen, deterministic bottom of a network (<see cref="FrozenPrefix"/>): each batch's
/// features are that bottom's outputs, computed anew on every pass but for several batches at once. It is what
/// <see cref="CachingTrainer"/> trains the layers above on when the outputs cannot be kept (caching switched off,
/// examples streamed from shards, soft targets).
/// </summary>
/// <remarks>
/// Why several batches at once: a 128-row batch is a small matrix product, and each layer of the bottom a parallel
/// region of its own; 1,024 rows at a time took the benchmark's head training on a frozen, recomputed 784-500-500
/// bottom from about 110,000 to 157,000 samples/s on two threads of session 23's Xeon (`Pretrain.Benchmarks loops
/// --only d_frozen`, two runs each before and after). The outputs are the same function of the same rows; only
/// the products' blocking differs. The rows come from the underlying input in batches of <see cref="RowsPerPass"/>,
/// cut into the caller's batch size: for inputs held in memory (one permutation an epoch) that is the same order as
/// asking for the caller's batches directly.
/// </remarks>
public sealed class FrozenOutputInput : ILabeledInput
{
    /// <summary>Rows per pass through the bottom at most: past about 1,024 rows the products gain no more speed.</summary>
    public const int MaxRowsPerPass = 1024;

    private readonly ILabeledInput _inner;
    private readonly nn.Module<Tensor, Tensor> _frozen;
    private readonly long[] _outputShape;

    /// <summary>
    /// Wraps <paramref name="inner"/> (not owned) and <paramref name="frozen"/> (not owned; already on the device the
    /// batches will be asked on, its parameters frozen). Runs the bottom once on one row to learn its output shape.
    /// </summary>
    public FrozenOutputInput(ILabeledInput inner, nn.Module<Tensor, Tensor> frozen)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        _frozen = frozen ?? throw new ArgumentNullException(nameof(frozen));
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var device = frozen.parameters().FirstOrDefault()?.device ?? CPU;
        _outputShape = frozen.forward(zeros([1, inner.FeatureCount], device: device)).shape[1..];
        FeatureCount = (int)_outputShape.Aggregate(1L, (a, b) => a * b);
        // A frozen convolutional bottom's feature maps are large: keep one pass's outputs within ChunkedEncoder's limit.
        // Streamed examples come through a window sized to the memory budget; a pass larger than it would stretch it.
        var most = inner is Pretraining.Data.Shards.ShardedLayerInput streamed ? (int)Math.Min(MaxRowsPerPass, streamed.WindowRows) : MaxRowsPerPass;
        RowsPerPass = ChunkedEncoder.RowsWithin(Math.Max(inner.FeatureCount, FeatureCount), most);
    }

    /// <summary>
    /// Rows run through the bottom in one pass at most (rounded down to whole batches, at least one): up to
    /// <see cref="MaxRowsPerPass"/>, no more than a streamed input's window holds.
    /// </summary>
    public int RowsPerPass { get; }

    /// <inheritdoc />
    public long Count => _inner.Count;

    /// <inheritdoc />
    public int FeatureCount { get; }

    /// <inheritdoc />
    public IReadOnlyList<long> SampleShape => _outputShape;

    /// <inheritdoc />
    public int ClassCount => _inner.ClassCount;

    /// <inheritdoc />
    public string Source => $"{_inner.Source} through the frozen layers";

    /// <inheritdoc />
    public bool HasLabels => _inner.HasLabels;

    /// <inheritdoc />
    public IEnumerable<(Tensor Features, Tensor Labels)> LabeledBatches(int batchSize, Generator? shuffle, Device device)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentNullException.ThrowIfNull(device);
        var batchesPerPass = Math.Max(1, RowsPerPass / batchSize);
        return Enumerate(batchSize, batchSize * batchesPerPass, shuffle, device);
    }

    private IEnumerable<(Tensor, Tensor)> Enumerate(int batchSize, int passRows, Generator? shuffle, Device device)
    {
        foreach (var (features, labels) in _inner.LabeledBatches(passRows, shuffle, device))
        {
            Tensor outputs;
            using (var scope = NewDisposeScope())
            using (no_grad())
                outputs = _frozen.forward(features).DetachFromDisposeScope();
            try
            {
                var rows = outputs.shape[0];
                for (long start = 0; start < rows; start += batchSize)
                {
                    var length = Math.Min(batchSize, rows - start);
                    var x = outputs.narrow(0, start, length).DetachFromDisposeScope();
                    var y = labels.narrow(0, start, length).DetachFromDisposeScope();
                    try
                    {
                        yield return (x, y);
                    }
                    finally
                    {
                        x.Dispose();
                        y.Dispose();
                    }
                }
            }
            finally
            {
                outputs.Dispose();
            }
        }
    }
}
