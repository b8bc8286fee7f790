using static TorchSharp.torch;

namespace Pretrain.Pretraining.Data;

/// <summary>
/// Serves a <see cref="Dataset"/> already in memory a batch at a time, for sources that are read whole (the embedded
/// and downloaded Fashion-MNIST, shards); takes ownership of the dataset.
/// </summary>
public sealed class DatasetExampleReader : IExampleReader
{
    private readonly Dataset _data;
    private long _next;

    /// <summary>Serves <paramref name="data"/>, which this reader disposes.</summary>
    public DatasetExampleReader(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        _data = data;
    }

    /// <inheritdoc />
    public string Source => _data.Source;

    /// <inheritdoc />
    public IReadOnlyList<long> SampleShape => _data.SampleShape;

    /// <inheritdoc />
    public bool HasLabels => _data.Labels is not null;

    /// <inheritdoc />
    public long ExpectedCount => _data.Count;

    /// <inheritdoc />
    public (Tensor Features, Tensor? Labels)? ReadBatch(int maxExamples)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExamples);
        var count = Math.Min(maxExamples, _data.Count - _next);
        if (count <= 0)
            return null;
        var batch = (_data.Features.narrow(0, _next, count), _data.Labels?.narrow(0, _next, count));
        _next += count;
        return batch;
    }

    /// <inheritdoc />
    public void Dispose() => _data.Dispose();
}
