using static TorchSharp.torch;

namespace Pretrain.Pretraining.Data;

/// <summary>
/// Scales features to [0, 1]: by a fixed maximum (255 for 8-bit pixels, which keeps every pixel's meaning the same),
/// or per feature by the training data's minimum and maximum.
/// </summary>
public sealed class UnitRangeScaler : FeatureScaler
{
    private readonly float? _maximum;

    /// <summary>Per-feature min/max scaling fitted on the training data.</summary>
    public UnitRangeScaler() { }

    /// <summary>Divides every feature by <paramref name="maximum"/> (e.g. 255 for pixels).</summary>
    public UnitRangeScaler(float maximum) : base([0f], [maximum])
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maximum);
        _maximum = maximum;
    }

    /// <inheritdoc />
    protected override string Kind => "unit";

    /// <inheritdoc />
    protected override (float[] Offset, float[] Scale) Statistics(Tensor features)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (_maximum is float maximum)
            return ([0f], [maximum]);
        var low = features.amin([0]);
        // A constant feature gets scale 1 so it maps to 0 rather than dividing by zero.
        var range = features.amax([0]) - low;
        var scale = where(range > 0, range, ones_like(range));
        return (low.data<float>().ToArray(), scale.data<float>().ToArray());
    }

    /// <inheritdoc />
    protected override (float[] Offset, float[] Scale) Statistics(IEnumerable<Tensor> batches)
    {
        ArgumentNullException.ThrowIfNull(batches);
        if (_maximum is float maximum)
            return ([0f], [maximum]);
        Tensor? low = null, high = null;
        try
        {
            foreach (var batch in batches)
            {
                using var scope = NewDisposeScope();
                var (l, h) = (batch.amin([0]), batch.amax([0]));
                var nextLow = (low is null ? l : minimum(low, l)).DetachFromDisposeScope();
                var nextHigh = (high is null ? h : TorchSharp.torch.maximum(high, h)).DetachFromDisposeScope();
                low?.Dispose();
                high?.Dispose();
                (low, high) = (nextLow, nextHigh);
            }
            if (low is null || high is null)
                throw new PretrainException("unit scaling: no training examples to fit the minimum and maximum on.");
            using var outer = NewDisposeScope();
            var range = high - low;
            var scale = where(range > 0, range, ones_like(range));
            return (low.data<float>().ToArray(), scale.data<float>().ToArray());
        }
        finally
        {
            low?.Dispose();
            high?.Dispose();
        }
    }
}
