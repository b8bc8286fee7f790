using System.Globalization;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Data;

/// <summary>
/// Reads a CSV file of numeric features (invariant culture: '.' decimals) with an optional integer label column a
/// batch of rows at a time, holding one batch in memory; <see cref="CsvReader.Read"/> reads whole files through it.
/// The header and label column are settled when the file is opened; a ragged row or a field that is not a number is a
/// <see cref="DataException"/> naming the file, line and column when its batch is read.
/// </summary>
public sealed class CsvExampleReader : IExampleReader
{
    private readonly CsvRecordReader _records;
    private readonly IReadOnlyList<string>? _header;
    private readonly int _fields;
    private readonly int? _labelIndex;
    private readonly Lazy<long> _lines;
    private bool _pending = true; // Open leaves the first data record read and not yet consumed
    private bool _done;

    private CsvExampleReader(CsvRecordReader records, IReadOnlyList<string>? header, int fields, int? labelIndex)
    {
        (_records, _header, _fields, _labelIndex) = (records, header, fields, labelIndex);
        Width = fields - (labelIndex is null ? 0 : 1);
        _lines = new Lazy<long>(() => CountLines(records.Path) - (header is null ? 0 : 1));
    }

    /// <inheritdoc />
    public string Source => _records.Path;

    /// <summary>Features per row (the fields less the label column).</summary>
    public int Width { get; }

    /// <inheritdoc />
    public IReadOnlyList<long> SampleShape => [Width];

    /// <inheritdoc />
    public bool HasLabels => _labelIndex is not null;

    /// <inheritdoc />
    public long ExpectedCount => _lines.Value;

    /// <summary>
    /// Opens <paramref name="path"/> and reads its first row (and the next, after a header): an empty file, a header
    /// without rows or a label column that is not there is a <see cref="DataException"/> here.
    /// </summary>
    /// <param name="path">The CSV file (UTF-8).</param>
    /// <param name="options">Delimiter, header and label column; null for the defaults of <see cref="CsvOptions"/>.</param>
    public static CsvExampleReader Open(string path, CsvOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= new CsvOptions();
        var records = CsvRecordReader.Open(path, options.Delimiter);
        try
        {
            if (!records.Read())
                throw new DataException(path, "empty file: expected rows of numeric values.");
            var first = records.Fields();
            var hasHeader = options.HasHeader ?? first.Any(f => !double.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
            var header = hasHeader ? first : null;
            var labelIndex = CsvFields.LabelIndex(path, options.LabelColumn, header, first.Count);
            if (hasHeader && !records.Read())
                throw new DataException(path, "no data rows after the header.");
            return new CsvExampleReader(records, header, first.Count, labelIndex);
        }
        catch
        {
            records.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Parses the next rows into <paramref name="features"/> (row-major, <see cref="Width"/> per row) and
    /// <paramref name="labels"/> (ignored when unlabeled), at most <paramref name="maxRows"/>; returns the rows read (0 at the end).
    /// </summary>
    public int ReadRows(Span<float> features, Span<long> labels, int maxRows)
    {
        var rows = 0;
        while (rows < maxRows && Next())
        {
            if (_records.FieldCount != _fields)
                throw new DataException(Source, $"line {_records.Line}: expected {_fields} fields, received {_records.FieldCount}.");
            var column = 0;
            for (var c = 0; c < _fields; c++)
            {
                if (c == _labelIndex)
                    labels[rows] = CsvFields.Label(_records, c, _header);
                else
                    features[rows * Width + column++] = CsvFields.Number(_records, c, _header);
            }
            rows++;
        }
        return rows;
    }

    /// <inheritdoc />
    public (Tensor Features, Tensor? Labels)? ReadBatch(int maxExamples)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExamples);
        var features = new float[(long)maxExamples * Width];
        var labels = new long[HasLabels ? maxExamples : 0];
        var rows = ReadRows(features, labels, maxExamples);
        if (rows == 0)
            return null;
        var x = tensor(rows == maxExamples ? features : features[..(rows * Width)], [rows, Width]);
        return (x, HasLabels ? tensor(rows == maxExamples ? labels : labels[..rows]) : null);
    }

    /// <inheritdoc />
    public void Dispose() => _records.Dispose();

    private bool Next()
    {
        if (_pending)
        {
            _pending = false;
            return true;
        }
        if (_done)
            return false;
        _done = !_records.Read();
        return !_done;
    }

    /// <summary>Line breaks in the file (plus a last line without one), counted over its bytes: far faster than parsing.</summary>
    private static long CountLines(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var buffer = new byte[1 << 16];
        long lines = 0;
        var last = (byte)'\n';
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
            last = buffer[read - 1];
        }
        return last == '\n' ? lines : lines + 1;
    }
}
