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

    /// <inheritdoc />
    protected override (float[] Offset, float[] Scale) Statistics(IEnumerable<Tensor> batches)
    {
        ArgumentNullException.ThrowIfNull(batches);
        // Sums in float64 over all batches; the variance is E[x^2] - E[x]^2, as exact as float64 allows for features of float32 range.
        Tensor? sum = null, squares = null;
        long count = 0;
        try
        {
            foreach (var batch in batches)
            {
                using var scope = NewDisposeScope();
                var x = batch.to(ScalarType.Float64);
                var (s, q) = (x.sum([0]), (x * x).sum([0]));
                var nextSum = (sum is null ? s : sum + s).DetachFromDisposeScope();
                var nextSquares = (squares is null ? q : squares + q).DetachFromDisposeScope();
                sum?.Dispose();
                squares?.Dispose();
                (sum, squares, count) = (nextSum, nextSquares, count + batch.shape[0]);
            }
            if (sum is null || squares is null)
                throw new PretrainException("standardize scaling: no training examples to fit the mean and standard deviation on.");
            using var outer = NewDisposeScope();
            var mean = sum / count;
            var std = (squares / count - mean * mean).clamp_min(0).sqrt().clamp_min(1e-6);
            return (mean.to(ScalarType.Float32).data<float>().ToArray(), std.to(ScalarType.Float32).data<float>().ToArray());
        }
        finally
        {
            sum?.Dispose();
            squares?.Dispose();
        }
    }
}
