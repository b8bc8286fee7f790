using static TorchSharp.torch;

namespace Pretrain.Pretraining.Data;

/// <summary>Zero mean and unit variance per feature, from the training data (standard deviation floored at 1e-6).</summary>
public sealed class Standardizer : FeatureScaler
{
    /// <inheritdoc />
    protected override string Kind => "standardize";

    /// <inheritdoc />
    protected override (float[] Offset, float[] Scale) Statistics(Tensor features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var mean = features.mean([0]);
        var std = features.std(0, unbiased: false).clamp_min(1e-6);
        return (mean.data<float>().ToArray(), std.data<float>().ToArray());
    }
}
