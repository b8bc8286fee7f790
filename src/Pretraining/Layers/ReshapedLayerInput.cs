using static TorchSharp.torch;

namespace Pretrain.Pretraining.Layers;

/// <summary>
/// Another view of a layer input with the same values per example in another shape: the flat <c>[N, 784]</c> features
/// of a data set seen as <c>[N, 28, 28]</c> images by a convolutional layer, or a convolutional layer's
/// <c>[N, C, H, W]</c> cache seen as <c>[N, C*H*W]</c> by a dense layer above it. Copies nothing.
/// </summary>
public sealed class ReshapedLayerInput : ILayerInput
{
    private readonly ILayerInput _inner;
    private readonly long[] _shape;

    /// <summary>Shows <paramref name="inner"/> with examples of <paramref name="sampleShape"/> (same number of values).</summary>
    public ReshapedLayerInput(ILayerInput inner, IReadOnlyList<long> sampleShape)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(sampleShape);
        if (SampleShapes.Size(sampleShape) != inner.Width)
            throw new ArgumentException($"a {SampleShapes.Format(sampleShape)} example needs {SampleShapes.Size(sampleShape)} values but the input has {inner.Width}.", nameof(sampleShape));
        _inner = inner;
        _shape = sampleShape.ToArray();
    }

    /// <summary><paramref name="input"/> itself when its examples already have <paramref name="sampleShape"/>, else a reshaped view.</summary>
    public static ILayerInput Of(ILayerInput input, IReadOnlyList<long> sampleShape)
    {
        ArgumentNullException.ThrowIfNull(input);
        return SampleShapes.Same(input.SampleShape, sampleShape) ? input : new ReshapedLayerInput(input, sampleShape);
    }

    /// <summary><paramref name="input"/> with flat examples <c>[Width]</c>, as dense layers read them.</summary>
    public static ILayerInput Flat(ILayerInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Of(input, [input.Width]);
    }

    /// <inheritdoc />
    public long Count => _inner.Count;

    /// <inheritdoc />
    public int Width => _inner.Width;

    /// <inheritdoc />
    public IReadOnlyList<long> SampleShape => _shape;

    /// <inheritdoc />
    public IEnumerable<Tensor> Batches(int batchSize, Generator? shuffle, Device device)
    {
        foreach (var batch in _inner.Batches(batchSize, shuffle, device))
        {
            // [B, ...inner shape] -> [B, ...shape]: a view, released with the enumerator's next step like the batch itself.
            var reshaped = batch.reshape([batch.shape[0], .. _shape]).DetachFromDisposeScope();
            try
            {
                yield return reshaped;
            }
            finally
            {
                reshaped.Dispose();
            }
        }
    }
}
