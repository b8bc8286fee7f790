using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Data;

/// <summary>
/// Examples whose labels are class probabilities rather than class indices: features <c>float32 [N, D]</c> and targets
/// <c>float32 [N, C]</c>, each row summing to 1. Distillation trains on them: a teacher's probabilities for unlabeled
/// examples, and one-hot rows for labeled ones. Their batches hand the targets where <see cref="Dataset"/> hands int64
/// labels; libtorch's cross-entropy takes either, so the supervised trainer needs nothing else. Owns its tensors.
/// </summary>
public sealed class SoftLabeledExamples : ILabeledInput, IDisposable
{
    /// <summary>Wraps <paramref name="features"/> and <paramref name="targets"/>, taking ownership of both.</summary>
    /// <param name="features">float32 [N, D].</param>
    /// <param name="targets">float32 [N, C]: one probability distribution over the C classes per example.</param>
    /// <param name="sampleShape">The shape of one example before flattening; its product must be D.</param>
    /// <param name="source">A short description for logs and errors.</param>
    /// <exception cref="DataException">The shapes or dtypes do not match.</exception>
    public SoftLabeledExamples(Tensor features, Tensor targets, IReadOnlyList<long> sampleShape, string source)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(sampleShape);
        if (features.dim() != 2 || features.dtype != ScalarType.Float32)
            throw new DataException(source, $"features must be float32 [N, D], received {features.dtype} [{string.Join(", ", features.shape)}].");
        if (targets.dim() != 2 || targets.dtype != ScalarType.Float32 || targets.shape[0] != features.shape[0])
            throw new DataException(source, $"targets must be float32 [{features.shape[0]}, C] (one distribution per example), received {targets.dtype} [{string.Join(", ", targets.shape)}].");
        if (sampleShape.Aggregate(1L, (a, b) => a * b) != features.shape[1])
            throw new DataException(source, $"sample shape [{string.Join(", ", sampleShape)}] does not hold the {features.shape[1]} values of each row.");
        Features = features.DetachFromDisposeScope();
        Targets = targets.DetachFromDisposeScope();
        SampleShape = sampleShape.ToArray();
        Source = source;
    }

    /// <summary>float32 [N, D].</summary>
    public Tensor Features { get; }

    /// <summary>float32 [N, C].</summary>
    public Tensor Targets { get; }

    /// <inheritdoc />
    public long Count => Features.shape[0];

    /// <inheritdoc />
    public int FeatureCount => (int)Features.shape[1];

    /// <inheritdoc />
    public IReadOnlyList<long> SampleShape { get; }

    /// <inheritdoc />
    public int ClassCount => (int)Targets.shape[1];

    /// <inheritdoc />
    public string Source { get; }

    /// <inheritdoc />
    public bool HasLabels => true;

    /// <summary>
    /// Labeled examples as one-hot targets followed by <paramref name="unlabeled"/> with <paramref name="probabilities"/>
    /// (float32 [M, C]); copies, so the caller keeps owning its arguments.
    /// </summary>
    /// <exception cref="DataException">The widths or class counts differ.</exception>
    public static SoftLabeledExamples Combine(Dataset labeled, Dataset unlabeled, Tensor probabilities)
    {
        ArgumentNullException.ThrowIfNull(labeled);
        ArgumentNullException.ThrowIfNull(unlabeled);
        ArgumentNullException.ThrowIfNull(probabilities);
        if (labeled.Labels is null)
            throw new DataException(labeled.Source, "the labeled examples have no labels.");
        if (unlabeled.FeatureCount != labeled.FeatureCount)
            throw new DataException(unlabeled.Source, $"examples have {unlabeled.FeatureCount} values but the labeled ones {labeled.FeatureCount}.");
        if (probabilities.dim() != 2 || probabilities.shape[0] != unlabeled.Count || probabilities.shape[1] < labeled.ClassCount)
            throw new DataException(unlabeled.Source, $"expected teacher probabilities [{unlabeled.Count}, >= {labeled.ClassCount}], received [{string.Join(", ", probabilities.shape)}].");
        using var scope = NewDisposeScope();
        var classes = probabilities.shape[1];
        var device = labeled.Features.device;
        var oneHot = nn.functional.one_hot(labeled.Labels, classes).to(ScalarType.Float32);
        var features = cat([labeled.Features, unlabeled.Features.to(device)], 0);
        var targets = cat([oneHot.to(device), probabilities.to(ScalarType.Float32).to(device)], 0);
        return new SoftLabeledExamples(features.MoveToOuterDisposeScope(), targets.MoveToOuterDisposeScope(), labeled.SampleShape,
            $"{labeled.Source} labels + teacher probabilities on {unlabeled.Source}");
    }

    /// <summary>Minibatches (features float32 [B, D], targets float32 [B, C]), shuffled by one <c>randperm(N)</c> from <paramref name="shuffle"/> when given.</summary>
    public IEnumerable<(Tensor Features, Tensor Labels)> LabeledBatches(int batchSize, Generator? shuffle, Device device)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentNullException.ThrowIfNull(device);
        using var order = shuffle is null ? null : randperm(Count, generator: shuffle).DetachFromDisposeScope();
        foreach (var batch in LabeledSlices.Of(Features, Targets, batchSize, order, device))
            yield return batch;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Features.Dispose();
        Targets.Dispose();
    }
}
