using Pretrain.Pretraining.Layers;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Greedy;

/// <summary>
/// A layer input that runs every batch of the raw input through the frozen layers below again each time it is read:
/// what Pretrain avoids by caching (<see cref="FrozenOutputCache"/>). It exists so benchmarks can measure what the
/// cache saves, and for inputs too large to cache anywhere.
/// </summary>
public sealed class RecomputedLayerInput : ILayerInput
{
    private readonly ILayerInput _raw;
    private readonly IReadOnlyList<PretrainedLayer> _frozen;

    /// <summary>Reads <paramref name="raw"/> through <paramref name="frozen"/> (lowest first) on every pass.</summary>
    public RecomputedLayerInput(ILayerInput raw, IReadOnlyList<PretrainedLayer> frozen)
    {
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentNullException.ThrowIfNull(frozen);
        _raw = raw;
        _frozen = frozen;
    }

    /// <inheritdoc />
    public long Count => _raw.Count;

    /// <inheritdoc />
    public int Width => _frozen.Count == 0 ? _raw.Width : _frozen[^1].OutputSize;

    /// <inheritdoc />
    public IReadOnlyList<long> SampleShape => _frozen.Count == 0 ? _raw.SampleShape : _frozen[^1].OutputShape;

    /// <inheritdoc />
    public IEnumerable<Tensor> Batches(int batchSize, Generator? shuffle, Device device)
    {
        foreach (var batch in _raw.Batches(batchSize, shuffle, device))
        {
            Tensor encoded;
            using (var scope = NewDisposeScope())
            {
                var h = batch.alias();
                foreach (var layer in _frozen)
                    h = layer.Encode(h);
                encoded = h.DetachFromDisposeScope();
            }
            try
            {
                yield return encoded;
            }
            finally
            {
                encoded.Dispose();
            }
        }
    }
}
