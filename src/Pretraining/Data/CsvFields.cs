using System.Globalization;

namespace Pretrain.Pretraining.Data;

/// <summary>Field parsing shared by the CSV readers, with errors that name the file, line and column (and header name).</summary>
internal static class CsvFields
{
    public static float Number(CsvRecordReader records, int column, IReadOnlyList<string>? header)
    {
        var field = records.Field(column);
        if (!float.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            throw new DataException(records.Path, $"{Where(records, column, header)}: expected a number, received '{field}'.");
        if (!float.IsFinite(value))
            throw new DataException(records.Path, $"{Where(records, column, header)}: expected a finite number, received {field.Trim()}.");
        return value;
    }

    public static long Label(CsvRecordReader records, int column, IReadOnlyList<string>? header)
    {
        var field = records.Field(column);
        if (!long.TryParse(field, NumberStyles.Integer, CultureInfo.InvariantCulture, out var label) || label < 0)
            throw new DataException(records.Path, $"{Where(records, column, header)}: expected a non-negative integer label, received '{field}'.");
        return label;
    }

    public static string Where(CsvRecordReader records, int column, IReadOnlyList<string>? header) =>
        header is null ? $"line {records.Line}, column {column + 1}" : $"line {records.Line}, column {column + 1} ('{header[column]}')";

    public static int? LabelIndex(string path, string? column, IReadOnlyList<string>? header, int fieldCount)
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
