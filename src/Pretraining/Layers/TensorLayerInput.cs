using static TorchSharp.torch;

namespace Pretrain.Pretraining.Layers;

/// <summary>A layer input held in one tensor, on the training device when it fits there, otherwise in host memory.</summary>
public sealed class TensorLayerInput : ILayerInput, IDisposable
{
    private readonly bool _owns;

    /// <summary>
    /// Wraps <paramref name="values"/> (float32 [N, D] or [N, C, H, W], any shape after N); disposes it with this object
    /// when <paramref name="owns"/>.
    /// </summary>
    public TensorLayerInput(Tensor values, bool owns = true)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.dim() < 2 || values.dtype != ScalarType.Float32)
            throw new ArgumentException($"layer input must be float32 [N, ...sample shape], received {values.dtype} [{string.Join(", ", values.shape)}].", nameof(values));
        Values = owns ? values.DetachFromDisposeScope() : values;
        _owns = owns;
    }

    /// <summary>The examples, float32 [N, ...sample shape].</summary>
    public Tensor Values { get; }

    /// <inheritdoc />
    public long Count => Values.shape[0];

    /// <inheritdoc />
    public int Width => (int)SampleShapes.Size(SampleShape);

    /// <inheritdoc />
    public IReadOnlyList<long> SampleShape => Values.shape[1..];

    /// <inheritdoc />
    public IEnumerable<Tensor> Batches(int batchSize, Generator? shuffle, Device device)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        // The permutation lives as long as the enumeration, outside the caller's per-batch scopes.
        using var order = shuffle is null ? null : randperm(Count, generator: shuffle).DetachFromDisposeScope();
        for (long start = 0; start < Count; start += batchSize)
        {
            Tensor batch;
            using (var scope = NewDisposeScope())
            {
                var length = Math.Min(batchSize, Count - start);
                var rows = order is null
                    ? Values.narrow(0, start, length)
                    : Values.index_select(0, order.narrow(0, start, length).to(Values.device));
                batch = (rows.device == device ? rows : rows.to(device)).DetachFromDisposeScope();
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

    /// <inheritdoc />
    public void Dispose()
    {
        if (_owns)
            Values.Dispose();
    }
}
