using Pretrain.Auxiliary.Text;
using Pretrain.Pretraining;
using Pretrain.Pretraining.Data;

namespace Pretrain.Recipes.Pipeline;

/// <summary>
/// A file of documents for a text model to predict on, in a layout the text recipes read: a CSV or TSV table with a
/// label and a text column (or a text column alone), JSON Lines objects with a text field (and a label field), one
/// document per line of a text file (unlabelled), or a folder of such <c>.txt</c> files named after their category.
/// Whether the file is labelled is decided before its documents are read, from the options and the file's start:
/// see <see cref="HasLabels"/>. Build one with <see cref="PredictionSource.ForText"/>.
/// </summary>
/// <param name="Path">The file or folder.</param>
/// <param name="Format"><see cref="TextCorpusFormat.Csv"/>, <see cref="TextCorpusFormat.Tsv"/>, <see cref="TextCorpusFormat.Jsonl"/> or <see cref="TextCorpusFormat.Lines"/>.</param>
/// <param name="LabelField">csv/tsv: the label column (header name or 0-based index); jsonl: the label field; null: see <see cref="HasLabels"/>.</param>
/// <param name="TextField">csv/tsv: the text column; jsonl: the text field (default <c>text</c>).</param>
public sealed record TextPredictionSource(string Path, TextCorpusFormat Format, string? LabelField = null, string? TextField = null)
{
    /// <summary>
    /// Whether the documents carry labels (a method: it reads the start of the file): csv/tsv when a label column is named, or when neither column is named and
    /// the first row has two fields or more (the recipes' layout, label then text); jsonl when a label field is named,
    /// or the first object has a <c>label</c> field; lines when the path is a folder (the file names are the labels).
    /// </summary>
    public bool HasLabels() => Format switch
    {
        TextCorpusFormat.Csv or TextCorpusFormat.Tsv => LabelField is not null || (TextField is null && FirstRowFields() > 1),
        TextCorpusFormat.Jsonl => LabelField is not null || JsonLinesCorpus.FirstObjectHas(Path, "label"),
        _ => Directory.Exists(Path),
    };

    /// <summary>The documents, streamed, with their labels when <see cref="HasLabels"/> (empty for a row that leaves its label empty).</summary>
    public IEnumerable<TextRecord> Records()
    {
        var labelled = HasLabels();
        var options = new TextCorpusOptions { Format = Format, LabelField = LabelField, TextField = TextField };
        return Format switch
        {
            TextCorpusFormat.Csv => DelimitedCorpus.Records(Path, ',', options, labelled),
            TextCorpusFormat.Tsv => DelimitedCorpus.Records(Path, '\t', options, labelled),
            TextCorpusFormat.Jsonl => JsonLinesCorpus.Records(Path, labelled ? LabelField ?? "label" : null, TextField ?? "text"),
            TextCorpusFormat.Lines => LineCorpus.Records(Path, labelFile: false),
            _ => throw new PretrainException($"--format: a text model predicts on {PredictionSource.TextFormats} files, received {Format}."),
        };
    }

    /// <summary>About how many documents there are (the lines of the file or files), for progress only.</summary>
    public long EstimatedCount()
    {
        var files = Directory.Exists(Path) ? Directory.GetFiles(Path, "*.txt") : File.Exists(Path) ? [Path] : [];
        return files.Sum(f => File.ReadLines(f).LongCount());
    }

    private int FirstRowFields()
    {
        using var reader = CsvRecordReader.Open(Path, Format == TextCorpusFormat.Tsv ? '\t' : ',');
        return reader.Read() ? reader.FieldCount : 0;
    }
}
