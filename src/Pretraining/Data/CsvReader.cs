using System.Globalization;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Data;

/// <summary>
/// Reads CSV files of numeric features (invariant culture: '.' decimals) with an optional integer label column.
/// Parsing is Sylvan.Data.Csv's (see <see cref="CsvRecordReader"/>): fields may be quoted, and quoted fields may hold
/// the delimiter, doubled quotes and newlines. Every problem names the file, line and column.
/// </summary>
public static class CsvReader
{
    private const int InitialRows = 1024;

    /// <summary>Reads <paramref name="path"/> into a <see cref="Dataset"/> with sample shape [features].</summary>
    /// <param name="path">The CSV file (UTF-8).</param>
    /// <param name="options">Delimiter, header and label column; null for the defaults of <see cref="CsvOptions"/>.</param>
    /// <exception cref="DataException">The file is missing, empty, ragged, or holds a field that is not a number.</exception>
    public static Dataset Read(string path, CsvOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= new CsvOptions();
        using var records = CsvRecordReader.Open(path, options.Delimiter);
        if (!records.Read())
            throw new DataException(path, "empty file: expected rows of numeric values.");

        var first = records.Fields();
        var hasHeader = options.HasHeader ?? first.Any(f => !double.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
        var header = hasHeader ? first : null;
        var labelIndex = LabelIndex(path, options.LabelColumn, header, first.Count);
        if (hasHeader && !records.Read())
            throw new DataException(path, "no data rows after the header.");

        // One pass, rows appended to buffers that double when full: parsing dominates the cost, so reading the file
        // twice (count, then fill an exact array) would take twice as long, while doubling copies each value at most
        // about twice and keeps memory within twice the data. Large files are never held as text.
        var width = first.Count - (labelIndex is null ? 0 : 1);
        var features = new float[InitialRows * width];
        var labels = labelIndex is null ? null : new long[InitialRows];
        var rows = 0;
        do
        {
            if (records.FieldCount != first.Count)
                throw new DataException(path, $"line {records.Line}: expected {first.Count} fields, received {records.FieldCount}.");
            if ((rows + 1) * width > features.Length)
                Array.Resize(ref features, features.Length * 2);
            if (labels is not null && rows == labels.Length)
                Array.Resize(ref labels, labels.Length * 2);
            var column = 0;
            for (var c = 0; c < first.Count; c++)
            {
                if (c == labelIndex)
                    labels![rows] = Label(records, c, header);
                else
                    features[rows * width + column++] = Number(records, c, header);
            }
            rows++;
        }
        while (records.Read());

        Array.Resize(ref features, rows * width);
        if (labels is not null)
            Array.Resize(ref labels, rows);
        return new Dataset(tensor(features, [rows, width]), labels is null ? null : tensor(labels), [width], Path.GetFileName(path));
    }

    private static float Number(CsvRecordReader records, int column, IReadOnlyList<string>? header)
    {
        var field = records.Field(column);
        if (!float.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            throw new DataException(records.Path, $"{Where(records, column, header)}: expected a number, received '{field}'.");
        if (!float.IsFinite(value))
            throw new DataException(records.Path, $"{Where(records, column, header)}: expected a finite number, received {field.Trim()}.");
        return value;
    }

    private static long Label(CsvRecordReader records, int column, IReadOnlyList<string>? header)
    {
        var field = records.Field(column);
        if (!long.TryParse(field, NumberStyles.Integer, CultureInfo.InvariantCulture, out var label) || label < 0)
            throw new DataException(records.Path, $"{Where(records, column, header)}: expected a non-negative integer label, received '{field}'.");
        return label;
    }

    private static string Where(CsvRecordReader records, int column, IReadOnlyList<string>? header) =>
        header is null ? $"line {records.Line}, column {column + 1}" : $"line {records.Line}, column {column + 1} ('{header[column]}')";

    private static int? LabelIndex(string path, string? column, IReadOnlyList<string>? header, int fieldCount)
    {
        if (column is null)
            return null;
        if (header is not null)
        {
            var named = header.ToList().IndexOf(column);
            if (named >= 0)
                return named;
        }
        if (int.TryParse(column, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < fieldCount)
            return index;
        throw new DataException(path, header is null
            ? $"label column '{column}': expected a 0-based index below {fieldCount} (the file has no header)."
            : $"label column '{column}' not found; the header has {string.Join(", ", header)}.");
    }
}
