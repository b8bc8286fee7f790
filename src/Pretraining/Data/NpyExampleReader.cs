using static TorchSharp.torch;

namespace Pretrain.Pretraining.Data;

/// <summary>
/// Reads the examples of a NumPy <c>.npy</c> features file <c>[N, ...]</c> a batch at a time: the header is parsed
/// with <see cref="NpyReader"/>'s checks when the file is opened, then each batch's rows are read from their offset,
/// so only one batch is in memory. The labels file (int64 or whole numbers, <c>[N]</c>, 8 bytes an example) is read
/// whole when opened.
/// </summary>
public sealed class NpyExampleReader : IExampleReader
{
    // NumPy itself refuses headers over 10 000 bytes by default; anything near this is not a .npy header.
    private const int MaxHeaderBytes = 1 << 20;

    private readonly FileStream _stream;
    private readonly NpyLayout _layout;
    private readonly Tensor? _labels;
    private readonly long _features;
    private readonly long _rowBytes;
    private long _next;

    private NpyExampleReader(string source, FileStream stream, NpyLayout layout, Tensor? labels)
    {
        (Source, _stream, _layout, _labels) = (source, stream, layout, labels);
        SampleShape = layout.Shape[1..];
        _features = layout.Shape[1..].Aggregate(1L, (a, b) => a * b); // the data size was checked for overflow in ReadLayout
        _rowBytes = _features * layout.ElementSize;
    }

    /// <inheritdoc />
    public string Source { get; }

    /// <inheritdoc />
    public IReadOnlyList<long> SampleShape { get; }

    /// <inheritdoc />
    public bool HasLabels => _labels is not null;

    /// <inheritdoc />
    public long ExpectedCount => _layout.Shape[0];

    /// <summary>
    /// Opens <paramref name="featuresPath"/> and reads its header, and <paramref name="labelsPath"/> when given; a
    /// malformed header, a shape that is not [N, ...] or labels that do not fit are a <see cref="DataException"/> here.
    /// </summary>
    public static NpyExampleReader Open(string featuresPath, string? labelsPath)
    {
        ArgumentNullException.ThrowIfNull(featuresPath);
        if (!File.Exists(featuresPath))
            throw new DataException(featuresPath, "file not found.");
        var stream = new FileStream(featuresPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            var preamble = new byte[(int)Math.Min(12, stream.Length)];
            stream.ReadExactly(preamble);
            var end = NpyReader.HeaderEnd(preamble, stream.Length, featuresPath);
            if (end > MaxHeaderBytes)
                throw new DataException(featuresPath, $"the .npy header declares {end} bytes; expected at most {MaxHeaderBytes}.");
            var prefix = new byte[end];
            stream.Position = 0;
            stream.ReadExactly(prefix);
            var layout = NpyReader.ReadLayout(prefix, stream.Length, featuresPath);
            if (layout.Shape.Length < 2)
                throw new DataException(featuresPath, $"expected features of shape [N, ...], received [{string.Join(", ", layout.Shape)}].");
            var labels = NpyReader.Labels(labelsPath is null ? null : NpyReader.Read(labelsPath), layout.Shape[0]);
            return new NpyExampleReader(featuresPath, stream, layout, labels?.DetachFromDisposeScope());
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public (Tensor Features, Tensor? Labels)? ReadBatch(int maxExamples)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExamples);
        var count = Math.Min(maxExamples, ExpectedCount - _next);
        if (count <= 0)
            return null;
        var bytes = new byte[count * _rowBytes];
        _stream.Position = _layout.DataStart + _next * _rowBytes;
        _stream.ReadExactly(bytes);
        // NpyArray converts the dtype and refuses NaN and infinities, as for whole files; the source says which rows.
        var array = new NpyArray([count, .. SampleShape], _layout.Descr, bytes, $"{Source} (examples {_next}..{_next + count - 1})");
        using var scope = NewDisposeScope();
        var features = array.ToFloatTensor().reshape(count, _features);
        var labels = _labels?.narrow(0, _next, count).clone();
        _next += count;
        return (features.MoveToOuterDisposeScope(), labels?.MoveToOuterDisposeScope());
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stream.Dispose();
        _labels?.Dispose();
    }
}
