using System.Globalization;
using Pretrain.Pretraining;
using Pretrain.Pretraining.Data;

namespace Pretrain.Auxiliary.Text;

/// <summary>
/// Documents from a CSV or TSV table with a label column and a text column (parsed by Sylvan.Data.Csv through
/// <see cref="CsvRecordReader"/>: quoted texts may hold delimiters, quotes and newlines). Columns are named by header
/// name or 0-based index; by default the label is the first column and the text the second. The first row is a header
/// when <see cref="TextCorpusOptions.Header"/> says so; left unset, it is one when a column is given by name, or when the
/// first row holds a usual column name where the label or the text is (label, category, class, target; text,
/// document, sentence, content, body, review). Rows with an empty label feed only unlabelled uses (the auxiliary task).
/// </summary>
public static class DelimitedCorpus
{
    private static readonly string[] LabelNames = ["label", "labels", "category", "class", "target"];
    private static readonly string[] TextNames = ["text", "document", "sentence", "content", "body", "review"];

    /// <summary>Reads the table <paramref name="path"/> with fields separated by <paramref name="delimiter"/>.</summary>
    /// <param name="path">The CSV or TSV file (UTF-8).</param>
    /// <param name="delimiter">The field separator: ',' for CSV, '\t' for TSV.</param>
    /// <param name="options">Label and text columns, header; the format is not used.</param>
    /// <param name="tokenizer">Splits each text into words.</param>
    /// <param name="minWords">Documents with fewer words are dropped.</param>
    /// <exception cref="DataException">The file is missing or empty, a column is unknown, or a row lacks a field.</exception>
    public static IReadOnlyList<LabeledDocument> Load(string path, char delimiter, TextCorpusOptions options, WordTokenizer tokenizer, int minWords = 1)
    {
        var collector = new DocumentCollector(tokenizer, minWords);
        foreach (var record in Records(path, delimiter, options, labelled: true))
            collector.Add(record.Text, record.Label!);
        return collector.Documents;
    }

    /// <summary>
    /// The rows of <paramref name="path"/> as raw texts with their labels, streamed (one row in memory at a time).
    /// When <paramref name="labelled"/> is false no label column is read (labels are null) and the text column defaults
    /// to the second column of rows that have two, else the first.
    /// </summary>
    /// <exception cref="DataException">The file is missing or empty, a column is unknown, or a row lacks a field.</exception>
    public static IEnumerable<TextRecord> Records(string path, char delimiter, TextCorpusOptions options, bool labelled)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var records = CsvRecordReader.Open(path, delimiter);
        if (!records.Read())
            throw new DataException(path, labelled ? "empty file: expected rows of a label and a text." : "empty file: expected rows with a text.");
        var first = records.Fields();
        var header = (options.Header ?? LooksLikeHeader(first, options)) ? first : null;
        (int Index, string Name)? label = labelled ? Column(path, "label", options.LabelField, 0, header, first.Count) : null;
        var text = Column(path, "text", options.TextField, labelled || first.Count > 1 ? 1 : 0, header, first.Count);
        if (label?.Index == text.Index)
            throw new DataException(path, $"the label and the text are both column {text.Index + 1} ('{text.Name}'): expected two different columns.");
        if (header is not null && !records.Read())
            throw new DataException(path, "no rows after the header.");
        do
        {
            foreach (var column in label is { } l ? new[] { l, text } : [text])
                if (column.Index >= records.FieldCount)
                    throw new DataException(path, $"line {records.Line}, column {column.Index + 1} ('{column.Name}'): expected a field, received a row of {records.FieldCount} field(s).");
            yield return new TextRecord(records.FieldText(text.Index), label is { } c ? records.FieldText(c.Index).Trim() : null, records.Line);
        }
        while (records.Read());
    }

    private static bool LooksLikeHeader(IReadOnlyList<string> first, TextCorpusOptions options)
    {
        if (!IsIndex(options.LabelField) || !IsIndex(options.TextField))
            return true;
        return Matches(first, options.LabelField, 0, LabelNames) || Matches(first, options.TextField, 1, TextNames);

        static bool Matches(IReadOnlyList<string> row, string? spec, int fallback, string[] names)
        {
            var index = spec is null ? fallback : int.Parse(spec, CultureInfo.InvariantCulture);
            return index < row.Count && names.Contains(row[index], StringComparer.OrdinalIgnoreCase);
        }
    }

    private static bool IsIndex(string? spec) => spec is null || int.TryParse(spec, NumberStyles.None, CultureInfo.InvariantCulture, out _);

    private static (int Index, string Name) Column(string path, string role, string? spec, int fallback, IReadOnlyList<string>? header, int fieldCount)
    {
        if (spec is null && fallback < fieldCount)
            return (fallback, header?[fallback] ?? role);
        if (spec is not null && header is not null)
        {
            var named = header.ToList().FindIndex(h => string.Equals(h, spec, StringComparison.Ordinal));
            if (named < 0)
                named = header.ToList().FindIndex(h => string.Equals(h, spec, StringComparison.OrdinalIgnoreCase));
            if (named >= 0)
                return (named, header[named]);
        }
        if (spec is not null && int.TryParse(spec, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < fieldCount)
            return (index, header?[index] ?? role);
        throw new DataException(path, spec is null || header is null
            ? $"{role} column '{spec ?? fallback.ToString(CultureInfo.InvariantCulture)}': expected a 0-based index below {fieldCount}, the first row's field count{(header is null ? " (no header)" : "")}."
            : $"{role} column '{spec}' not found; the header has {string.Join(", ", header)}.");
    }
}
