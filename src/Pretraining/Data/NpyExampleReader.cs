using static TorchSharp.torch;

namespace Pretrain.Pretraining.Data;

/// <summary>
/// Reads the examples of a NumPy array <c>[N, ...]</c> a batch at a time: a <c>.npy</c> file, or an array of an
/// <c>.npz</c> archive (<see cref="NpzExampleReader"/>). The header is parsed with <see cref="NpyReader"/>'s checks when
/// the array is opened, then the rows are read in order from the stream, one batch at a time, so only one batch is in
/// memory; an archive entry is read as it is stored, straight from the file or inflated on the fly. The labels
/// (int64 or whole numbers, <c>[N]</c>, 8 bytes an example) are read whole when opened.
/// </summary>
public sealed class NpyExampleReader : IExampleReader
{
    // NumPy itself refuses headers over 10 000 bytes by default; anything near this is not a .npy header.
    private const int MaxHeaderBytes = 1 << 20;

    private readonly Stream _stream;
    private readonly IDisposable? _owner;
    private readonly string _arraySource;
    private readonly NpyLayout _layout;
    private readonly Tensor? _labels;
    private readonly long _features;
    private readonly long _rowBytes;
    private long _next;

    private NpyExampleReader(string source, string arraySource, Stream stream, IDisposable? owner, NpyLayout layout, Tensor? labels)
    {
        (Source, _arraySource, _stream, _owner, _layout, _labels) = (source, arraySource, stream, owner, layout, labels);
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
            return Open(stream, stream.Length, featuresPath, featuresPath, count => NpyReader.Labels(labelsPath is null ? null : NpyReader.Read(labelsPath), count), owner: null);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads the header of the array at the start of <paramref name="stream"/> (<paramref name="length"/> bytes in all)
    /// and returns a reader of its rows, which owns the stream and <paramref name="owner"/> (e.g. the archive the stream
    /// belongs to). <paramref name="source"/> names the file, <paramref name="arraySource"/> the array in messages
    /// (<c>FILE[NAME]</c> for an archive's); <paramref name="labels"/> gives the labels of the array's example count.
    /// Closes nothing when it throws.
    /// </summary>
    internal static NpyExampleReader Open(Stream stream, long length, string source, string arraySource, Func<long, Tensor?> labels, IDisposable? owner)
    {
        var layout = ReadLayout(stream, length, arraySource);
        if (layout.Shape.Length < 2)
            throw new DataException(arraySource, $"expected features of shape [N, ...], received [{string.Join(", ", layout.Shape)}].");
        return new NpyExampleReader(source, arraySource, stream, owner, layout, labels(layout.Shape[0])?.DetachFromDisposeScope());
    }

    /// <summary>Reads the header from the stream's start, leaving the stream at the first value (no seeking, so inflating streams work).</summary>
    private static NpyLayout ReadLayout(Stream stream, long length, string source)
    {
        // Ten bytes hold a version 1 preamble; versions 2 and 3 store the header length in four bytes instead of two.
        var preamble = new byte[(int)Math.Min(10, length)];
        Fill(stream, preamble, source);
        if (preamble.Length == 10 && preamble[6] is 2 or 3 && length >= 12)
        {
            var longer = new byte[12];
            preamble.CopyTo(longer, 0);
            Fill(stream, longer.AsSpan(10), source);
            preamble = longer;
        }
        var end = NpyReader.HeaderEnd(preamble, length, source);
        if (end > MaxHeaderBytes)
            throw new DataException(source, $"the .npy header declares {end} bytes; expected at most {MaxHeaderBytes}.");
        var prefix = new byte[end];
        preamble.CopyTo(prefix, 0);
        Fill(stream, prefix.AsSpan(preamble.Length), source);
        return NpyReader.ReadLayout(prefix, length, source);
    }

    /// <inheritdoc />
    public (Tensor Features, Tensor? Labels)? ReadBatch(int maxExamples)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExamples);
        var count = Math.Min(maxExamples, ExpectedCount - _next);
        if (count <= 0)
            return null;
        var rows = $"{_arraySource} (examples {_next}..{_next + count - 1})";
        var bytes = new byte[count * _rowBytes];
        Fill(_stream, bytes, rows);
        // NpyArray converts the dtype and refuses NaN and infinities, as for whole files; the source says which rows.
        var array = new NpyArray([count, .. SampleShape], _layout.Descr, bytes, rows);
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
        _owner?.Dispose();
        _labels?.Dispose();
    }

    /// <summary>
    /// Reads exactly <paramref name="into"/>'s length. The layout was checked against the length the file or archive
    /// declares, so running short, or compressed data that does not inflate, means the file is damaged.
    /// </summary>
    private static void Fill(Stream stream, Span<byte> into, string source)
    {
        try
        {
            stream.ReadExactly(into);
        }
        catch (EndOfStreamException e)
        {
            throw new DataException(source, "the data ends before the length its header (or its archive) declares: the file is truncated.", e);
        }
        catch (InvalidDataException e)
        {
            throw new DataException(source, $"the compressed data is damaged: {e.Message}", e);
        }
    }
}
