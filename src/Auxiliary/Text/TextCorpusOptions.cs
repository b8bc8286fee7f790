namespace Pretrain.Auxiliary.Text;

/// <summary>How to read a text corpus: its format and, for tables and JSON Lines, where the label and the text are.</summary>
public sealed record TextCorpusOptions
{
    /// <summary>The layout on disk. Default <see cref="TextCorpusFormat.Records"/>.</summary>
    public TextCorpusFormat Format { get; init; } = TextCorpusFormat.Records;

    /// <summary>
    /// Where the label is: for csv and tsv a header name or 0-based column index (default the first column), for jsonl a
    /// field name (default <c>label</c>). Ignored by the other formats, whose category is a file or folder name.
    /// </summary>
    public string? LabelField { get; init; }

    /// <summary>
    /// Where the text is: for csv and tsv a header name or 0-based column index (default the second column), for jsonl
    /// a field name (default <c>text</c>). Ignored by the other formats.
    /// </summary>
    public string? TextField { get; init; }

    /// <summary>For csv and tsv: whether the first row is a header; null detects it (see <see cref="DelimitedCorpus"/>).</summary>
    public bool? Header { get; init; }
}
