using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Data;

/// <summary>
/// Examples as tensors: features <c>float32 [N, D]</c> (each sample flattened; <see cref="SampleShape"/> keeps the
/// original shape, e.g. 28x28 for images) and optional labels <c>int64 [N]</c> in <c>0..ClassCount-1</c>.
/// Owns its tensors: dispose it when done. Tensors are detached from any dispose scope.
/// </summary>
public sealed class Dataset : ILabeledInput, IDisposable
{
    /// <summary>Wraps <paramref name="features"/> and <paramref name="labels"/>, taking ownership of both.</summary>
    /// <param name="features">float32 [N, D].</param>
    /// <param name="labels">int64 [N], or null for unlabeled data.</param>
    /// <param name="sampleShape">The shape of one sample before flattening; its product must be D.</param>
    /// <param name="source">A short description for logs and errors (usually the file name).</param>
    /// <param name="classCount">Number of classes, or null to infer it as max(label)+1.</param>
    public Dataset(Tensor features, Tensor? labels, IReadOnlyList<long> sampleShape, string source, int? classCount = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(sampleShape);
        if (features.dim() != 2)
            throw new DataException(source, $"features must be a 2-D tensor [N, D], received shape [{string.Join(", ", features.shape)}].");
        if (features.dtype != ScalarType.Float32)
            throw new DataException(source, $"features must be float32, received {features.dtype}.");
        var product = sampleShape.Aggregate(1L, (a, b) => a * b);
        if (product != features.shape[1])
            throw new DataException(source, $"sample shape [{string.Join(", ", sampleShape)}] has {product} values but each row has {features.shape[1]}.");
        if (labels is not null)
        {
            if (labels.dim() != 1 || labels.shape[0] != features.shape[0])
                throw new DataException(source, $"expected {features.shape[0]} labels (one per example), received shape [{string.Join(", ", labels.shape)}].");
            if (labels.dtype != ScalarType.Int64)
                throw new DataException(source, $"labels must be int64, received {labels.dtype}.");
        }

        Features = features.DetachFromDisposeScope();
        Labels = labels?.DetachFromDisposeScope();
        SampleShape = sampleShape.ToArray();
        Source = source;
        ClassCount = classCount ?? (Labels is null || Labels.shape[0] == 0 ? 0 : (int)Labels.max().item<long>() + 1);
    }

    /// <summary>float32 [N, D].</summary>
    public Tensor Features { get; }

    /// <summary>int64 [N], or null when the data is unlabeled.</summary>
    public Tensor? Labels { get; }

    /// <summary>Shape of one sample before flattening (e.g. [28, 28]); its product is <see cref="FeatureCount"/>.</summary>
    public IReadOnlyList<long> SampleShape { get; }

    /// <summary>Where the data came from, for logs and error messages.</summary>
    public string Source { get; }

    /// <summary>Number of classes (0 when unlabeled).</summary>
    public int ClassCount { get; }

    /// <summary>Number of examples N.</summary>
    public long Count => Features.shape[0];

    /// <summary>Number of features per example D.</summary>
    public int FeatureCount => (int)Features.shape[1];

    /// <summary>The device the tensors live on.</summary>
    public Device Device => Features.device;

    /// <inheritdoc />
    public bool HasLabels => Labels is not null;

    /// <summary>
    /// Minibatches (features float32 [B, D], labels int64 [B]) on <paramref name="device"/>: with a generator, in the order
    /// of one <c>randperm(N)</c> drawn from it (a uniform shuffle of all rows), else in storage order.
    /// </summary>
    public IEnumerable<(Tensor Features, Tensor Labels)> LabeledBatches(int batchSize, Generator? shuffle, Device device)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentNullException.ThrowIfNull(device);
        if (Labels is null)
            throw new DataException(Source, "supervised training and evaluation need labels; these examples have none.");
        // The permutation lives as long as the enumeration, outside the caller's per-batch scopes.
        using var order = shuffle is null ? null : randperm(Count, generator: shuffle).DetachFromDisposeScope();
        foreach (var batch in LabeledSlices.Of(Features, Labels, batchSize, order, device))
            yield return batch;
    }

    /// <summary>A new dataset holding the rows at <paramref name="indices"/> (int64 [M]).</summary>
    public Dataset Select(Tensor indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        using var scope = NewDisposeScope();
        var features = Features.index_select(0, indices.to(Features.device));
        var labels = Labels?.index_select(0, indices.to(Labels.device));
        return new Dataset(features.MoveToOuterDisposeScope(), labels?.MoveToOuterDisposeScope(), SampleShape, Source, ClassCount);
    }

    /// <summary>A copy on <paramref name="device"/> (the same data when already there is still copied, so both can be disposed).</summary>
    public Dataset To(Device device) =>
        new(Features.to(device, copy: true), Labels?.to(device, copy: true), SampleShape, Source, ClassCount);

    /// <summary>A dataset with the same labels and new features (e.g. scaled or encoded); takes ownership of <paramref name="features"/>.</summary>
    public Dataset WithFeatures(Tensor features, IReadOnlyList<long>? sampleShape = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        return new(features, Labels?.clone(), sampleShape ?? (features.shape[1] == FeatureCount ? SampleShape : [features.shape[1]]), Source, ClassCount);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Features.Dispose();
        Labels?.Dispose();
    }
}
