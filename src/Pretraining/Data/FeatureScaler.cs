using static TorchSharp.torch;

namespace Pretrain.Pretraining.Data;

/// <summary>
/// Scales features as <c>y = (x - offset) / scale</c>, with statistics fitted on training data only (fitting on
/// validation or test data would leak them into the model). Subclasses choose the statistics.
/// </summary>
public abstract class FeatureScaler
{
    private float[] _offset;
    private float[] _scale;

    /// <summary>Starts as the identity until <see cref="Fit(Dataset)"/> (or with the given statistics).</summary>
    protected FeatureScaler(float[]? offset = null, float[]? scale = null)
    {
        _offset = offset ?? [0f];
        _scale = scale ?? [1f];
    }

    /// <summary>The kind written to <see cref="ScalerState.Kind"/>.</summary>
    protected abstract string Kind { get; }

    /// <summary>What was fitted, to save with a model.</summary>
    public ScalerState State => new(Kind, _offset, _scale);

    /// <summary>A scaler that leaves features unchanged.</summary>
    public static FeatureScaler Identity() => new FixedScaler("none", [0f], [1f]);

    /// <summary>A scaler that applies a saved <paramref name="state"/>.</summary>
    public static FeatureScaler FromState(ScalerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return new FixedScaler(state.Kind, state.Offset.ToArray(), state.Scale.ToArray());
    }

    /// <summary>Learns the statistics from <paramref name="train"/>'s features.</summary>
    public void Fit(Dataset train)
    {
        ArgumentNullException.ThrowIfNull(train);
        using var scope = NewDisposeScope();
        var (offset, scale) = Statistics(train.Features);
        _offset = offset;
        _scale = scale;
    }

    /// <summary>
    /// Learns the statistics from every example of <paramref name="train"/>, read batch by batch (for data streamed
    /// from shards, which never sits in memory whole).
    /// </summary>
    public void Fit(Layers.ILayerInput train)
    {
        ArgumentNullException.ThrowIfNull(train);
        (_offset, _scale) = Statistics(Flat(train));

        static IEnumerable<Tensor> Flat(Layers.ILayerInput input)
        {
            foreach (var batch in input.Batches(8192, shuffle: null, CPU))
            {
                // Disposed on the next step like the batch: an undisposed view would keep each batch's storage alive
                // until the garbage collector ran (2 GB of them on a 1.9 GB shard folder).
                using var flat = batch.reshape(batch.shape[0], -1);
                yield return flat;
            }
        }
    }

    /// <summary>Scales float32 [B, D] features (any device) with the fitted statistics.</summary>
    public Tensor Apply(Tensor features)
    {
        ArgumentNullException.ThrowIfNull(features);
        using var scope = NewDisposeScope();
        var offset = tensor(_offset, device: features.device);
        var scale = tensor(_scale, device: features.device);
        return ((features - offset) / scale).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Computes (offset, scale) from batches of float32 [B, D] training features that never sit in memory together.
    /// Each batch is disposed by the enumerator after the next is requested.
    /// </summary>
    protected virtual (float[] Offset, float[] Scale) Statistics(IEnumerable<Tensor> batches) =>
        throw new NotSupportedException($"{GetType().Name} cannot fit its statistics batch by batch.");

    /// <summary>A new dataset with scaled features (labels copied); the input is unchanged.</summary>
    public Dataset Transform(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        using var scope = NewDisposeScope();
        var offset = tensor(_offset, device: data.Device);
        var scale = tensor(_scale, device: data.Device);
        var scaled = ((data.Features - offset) / scale).MoveToOuterDisposeScope();
        return data.WithFeatures(scaled, data.SampleShape);
    }

    /// <summary>Computes (offset, scale) from float32 [N, D] training features.</summary>
    protected abstract (float[] Offset, float[] Scale) Statistics(Tensor features);

    /// <summary>Statistics given up front; fitting keeps them.</summary>
    private sealed class FixedScaler(string kind, float[] offset, float[] scale) : FeatureScaler(offset, scale)
    {
        protected override string Kind => kind;

        protected override (float[] Offset, float[] Scale) Statistics(Tensor features) => (State.Offset.ToArray(), State.Scale.ToArray());

        protected override (float[] Offset, float[] Scale) Statistics(IEnumerable<Tensor> batches) => (State.Offset.ToArray(), State.Scale.ToArray());
    }
}
