using static TorchSharp.torch;

namespace Pretrain.Pretraining.Data;

/// <summary>
/// Reads CSV files of numeric features (invariant culture: '.' decimals) with an optional integer label column.
/// Parsing is Sylvan.Data.Csv's (see <see cref="CsvRecordReader"/>): fields may be quoted, and quoted fields may hold
/// the delimiter, doubled quotes and newlines. Every problem names the file, line and column. Rows are read by
/// <see cref="CsvExampleReader"/>, which also serves files too large to hold a batch at a time.
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
        using var reader = CsvExampleReader.Open(path, options);
        // One pass, rows appended to buffers that double when full: parsing dominates the cost, so reading the file
        // twice (count, then fill an exact array) would take twice as long, while doubling copies each value at most
        // about twice and keeps memory within twice the data. Large files are never held as text.
        var width = reader.Width;
        var features = new float[InitialRows * width];
        var labels = reader.HasLabels ? new long[InitialRows] : null;
        var (rows, capacity) = (0, InitialRows);
        while (true)
        {
            if (rows == capacity)
            {
                capacity *= 2;
                Array.Resize(ref features, capacity * width);
                if (labels is not null)
                    Array.Resize(ref labels, capacity);
            }
            var read = reader.ReadRows(features.AsSpan(rows * width), labels is null ? [] : labels.AsSpan(rows), capacity - rows);
            if (read == 0)
                break;
            rows += read;
        }

        Array.Resize(ref features, rows * width);
        if (labels is not null)
            Array.Resize(ref labels, rows);
        return new Dataset(tensor(features, [rows, width]), labels is null ? null : tensor(labels), [width], Path.GetFileName(path));
    }
}
