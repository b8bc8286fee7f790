using System.Globalization;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Data;

/// <summary>
/// Reads CSV files of numeric features (invariant culture: '.' decimals) with an optional integer label column.
/// Fields may be wrapped in double quotes. Every problem names the file, line and column.
/// </summary>
public static class CsvReader
{
    /// <summary>Reads <paramref name="path"/> into a <see cref="Dataset"/> with sample shape [features].</summary>
    public static Dataset Read(string path, CsvOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= new CsvOptions();
        if (!File.Exists(path))
            throw new DataException(path, "file not found.");
        var lines = File.ReadAllLines(path).Select((text, i) => (Text: text, Number: i + 1)).Where(l => l.Text.Trim().Length > 0).ToList();
        if (lines.Count == 0)
            throw new DataException(path, "empty file: expected rows of numeric values.");

        var first = Split(lines[0].Text, options.Delimiter);
        var hasHeader = options.HasHeader ?? first.Any(f => !double.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
        var labelIndex = LabelIndex(path, options.LabelColumn, hasHeader ? first : null, first.Length);
        var rows = lines.Skip(hasHeader ? 1 : 0).ToList();
        if (rows.Count == 0)
            throw new DataException(path, "no data rows after the header.");

        var width = first.Length - (labelIndex is null ? 0 : 1);
        var features = new float[rows.Count * width];
        var labels = labelIndex is null ? null : new long[rows.Count];
        for (var r = 0; r < rows.Count; r++)
        {
            var fields = Split(rows[r].Text, options.Delimiter);
            if (fields.Length != first.Length)
                throw new DataException(path, $"line {rows[r].Number}: expected {first.Length} fields, received {fields.Length}.");
            var column = 0;
            for (var c = 0; c < fields.Length; c++)
            {
                if (c == labelIndex)
                {
                    if (!long.TryParse(fields[c], NumberStyles.Integer, CultureInfo.InvariantCulture, out var label) || label < 0)
                        throw new DataException(path, $"line {rows[r].Number}, column {c + 1}: expected a non-negative integer label, received '{fields[c]}'.");
                    labels![r] = label;
                    continue;
                }
                if (!float.TryParse(fields[c], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                    throw new DataException(path, $"line {rows[r].Number}, column {c + 1}: expected a number, received '{fields[c]}'.");
                if (!float.IsFinite(value))
                    throw new DataException(path, $"line {rows[r].Number}, column {c + 1}: expected a finite number, received {fields[c]}.");
                features[r * width + column++] = value;
            }
        }
        return new Dataset(tensor(features, [rows.Count, width]), labels is null ? null : tensor(labels), [width], Path.GetFileName(path));
    }

    private static int? LabelIndex(string path, string? column, string[]? header, int fieldCount)
    {
        if (column is null)
            return null;
        if (header is not null)
        {
            var named = Array.IndexOf(header, column);
            if (named >= 0)
                return named;
        }
        if (int.TryParse(column, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < fieldCount)
            return index;
        throw new DataException(path, header is null
            ? $"label column '{column}': expected a 0-based index below {fieldCount} (the file has no header)."
            : $"label column '{column}' not found; the header has {string.Join(", ", header)}.");
    }

    private static string[] Split(string line, char delimiter) =>
        line.Split(delimiter).Select(f => f.Trim()).Select(f => f.Length >= 2 && f[0] == '"' && f[^1] == '"' ? f[1..^1] : f).ToArray();
}
