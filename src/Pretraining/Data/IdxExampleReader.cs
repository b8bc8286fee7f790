using static TorchSharp.torch;

namespace Pretrain.Pretraining.Data;

/// <summary>
/// Reads the examples of an IDX images file (MNIST's format, gzip-compressed or not) a batch at a time, in file order,
/// inflating as it goes: only the header and one batch are in memory. The header gets <see cref="IdxReader"/>'s checks
/// when the file is opened; a file that ends early, or goes on after its last example, is a <see cref="DataException"/>
/// when the batch that finds it is read. The labels file (one byte an example) is read whole when opened.
/// </summary>
public sealed class IdxExampleReader : IExampleReader
{
    private readonly Stream _data;
    private readonly Tensor? _labels;
    private readonly int[] _dimensions;
    private readonly long _width;
    private long _next;
    private bool _finished;

    private IdxExampleReader(string source, Stream data, int[] dimensions, Tensor? labels)
    {
        (Source, _data, _dimensions, _labels) = (source, data, dimensions, labels);
        SampleShape = dimensions.Skip(1).Select(d => (long)d).ToArray();
        _width = SampleShape.Aggregate(1L, (a, b) => a * b); // the header's product was checked for overflow
    }

    /// <inheritdoc />
    public string Source { get; }

    /// <inheritdoc />
    public IReadOnlyList<long> SampleShape { get; }

    /// <inheritdoc />
    public bool HasLabels => _labels is not null;

    /// <inheritdoc />
    public long ExpectedCount => _dimensions[0];

    /// <summary>Opens <paramref name="imagesPath"/> and reads its header, and <paramref name="labelsPath"/> whole when given.</summary>
    public static IdxExampleReader Open(string imagesPath, string? labelsPath)
    {
        ArgumentNullException.ThrowIfNull(imagesPath);
        if (!File.Exists(imagesPath))
            throw new DataException(imagesPath, Directory.Exists(imagesPath) ? "expected an IDX file, received a folder." : "file not found.");
        var data = IdxReader.Inflated(new FileStream(imagesPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16));
        try
        {
            var start = new byte[4];
            var read = Fill(data, start, imagesPath);
            var header = start.AsSpan(0, read).ToArray();
            if (read == 4 && start[0] == 0 && start[1] == 0 && start[2] == 0x08 && start[3] > 0)
            {
                var dims = new byte[4 * start[3]];
                header = [.. start, .. dims.AsSpan(0, Fill(data, dims, imagesPath))];
            }
            var (dimensions, _, _) = IdxReader.ReadHeader(header, imagesPath);
            if (dimensions.Length < 2)
                throw new DataException(imagesPath, $"expected examples with at least one dimension each, received an array of shape [{string.Join(", ", dimensions)}].");
            var labels = labelsPath is null ? null : IdxReader.LabelsFor(IdxReader.Read(labelsPath), labelsPath, dimensions[0], imagesPath);
            return new IdxExampleReader(imagesPath, data, dimensions, labels?.DetachFromDisposeScope());
        }
        catch
        {
            data.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public (Tensor Features, Tensor? Labels)? ReadBatch(int maxExamples)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExamples);
        var count = Math.Min(maxExamples, ExpectedCount - _next);
        if (count <= 0)
        {
            // Past the last example the data must end, as a whole-file read requires.
            if (!_finished && Fill(_data, new byte[1], Source) > 0)
                throw new DataException(Source, $"dimensions [{string.Join(" x ", _dimensions)}] need {ExpectedCount * _width} data bytes but the file has more (trailing bytes).");
            _finished = true;
            return null;
        }
        var bytes = new byte[count * _width];
        var read = Fill(_data, bytes, Source);
        if (read < bytes.Length)
            throw new DataException(Source, $"dimensions [{string.Join(" x ", _dimensions)}] need {ExpectedCount * _width} data bytes but the file has {_next * _width + read} (truncated).");
        using var scope = NewDisposeScope();
        var features = tensor(bytes, [count, _width]).to(ScalarType.Float32);
        var labels = _labels?.narrow(0, _next, count).clone();
        _next += count;
        return (features.MoveToOuterDisposeScope(), labels?.MoveToOuterDisposeScope());
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _data.Dispose();
        _labels?.Dispose();
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the data ends; returns the bytes read. Corrupt gzip data is a <see cref="DataException"/>.</summary>
    private static int Fill(Stream data, byte[] buffer, string source)
    {
        try
        {
            return data.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new DataException(source, $"corrupt or truncated gzip data: {e.Message}", e);
        }
    }
}
