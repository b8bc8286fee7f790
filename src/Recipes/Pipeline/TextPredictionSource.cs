using Pretrain.Auxiliary.Text;
using Pretrain.Pretraining;
using Pretrain.Pretraining.Data;

namespace Pretrain.Recipes.Pipeline;

/// <summary>
/// Documents for a text model to predict on, in a layout the text recipes read: a CSV or TSV table with a label and a
/// text column (or a text column alone), JSON Lines objects with a text field (and a label field), one document per
/// line of a text file (unlabelled) or of the <c>.txt</c> files of a folder (labelled with their names), fortune-style
/// record files (<c>records</c>: a folder of them labelled with their file names, or one unlabelled file), or a folder
/// per category of <c>.txt</c> files, one document each (<c>folders</c>; a folder of <c>.txt</c> files without category
/// folders is unlabelled). Whether the documents are labelled is decided before they are read, from the options and
/// the file's start or the folder's layout: see <see cref="HasLabels"/>. Build one with <see cref="PredictionSource.ForText"/>.
/// </summary>
/// <param name="Path">The file or folder.</param>
/// <param name="Format">The layout: any <see cref="TextCorpusFormat"/>.</param>
/// <param name="LabelField">csv/tsv: the label column (header name or 0-based index); jsonl: the label field; null: see <see cref="HasLabels"/>.</param>
/// <param name="TextField">csv/tsv: the text column; jsonl: the text field (default <c>text</c>).</param>
public sealed record TextPredictionSource(string Path, TextCorpusFormat Format, string? LabelField = null, string? TextField = null)
{
    /// <summary>
    /// Whether the documents carry labels (a method: it reads the start of the file): csv/tsv when a label column is named, or when neither column is named and
    /// the first row has two fields or more (the recipes' layout, label then text); jsonl when a label field is named,
    /// or the first object has a <c>label</c> field; lines and records when the path is a folder (the file names are
    /// the labels); folders when the folder has category folders (their names are the labels).
    /// </summary>
    public bool HasLabels() => Format switch
    {
        TextCorpusFormat.Csv or TextCorpusFormat.Tsv => LabelField is not null || (TextField is null && FirstRowFields() > 1),
        TextCorpusFormat.Jsonl => LabelField is not null || JsonLinesCorpus.FirstObjectHas(Path, "label"),
        TextCorpusFormat.Folders => FolderCorpus.CategoryFolders(Path).Count > 0,
        _ => Directory.Exists(Path),
    };

    /// <summary>Whether every document is a file of its own (<c>folders</c>), so the predictions name their files.</summary>
    public bool DocumentsAreFiles => Format == TextCorpusFormat.Folders;

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
            TextCorpusFormat.Records => CategorizedCorpus.Records(Path),
            TextCorpusFormat.Folders => FolderCorpus.Records(Path),
            _ => throw new PretrainException($"--format: a text model predicts on {PredictionSource.TextFormats}, received {Format}."),
        };
    }

    /// <summary>
    /// The categories a folder's layout names, each with the file or folder that names it (lines: the <c>.txt</c> files,
    /// records: the record files, folders: the category folders), so a category the model does not know is found before
    /// any document is read; empty where labels are inside the file (csv, tsv, jsonl) or there are none.
    /// </summary>
    public IReadOnlyList<(string Category, string Source)> Categories()
    {
        if (!Directory.Exists(Path))
            return [];
        return Format switch
        {
            TextCorpusFormat.Lines => TextFiles.In(Path).Select(f => (System.IO.Path.GetFileNameWithoutExtension(f), f)).ToList(),
            TextCorpusFormat.Records => CategorizedCorpus.Files(Path).Select(f => (System.IO.Path.GetFileName(f), f)).ToList(),
            TextCorpusFormat.Folders => FolderCorpus.CategoryFolders(Path).Select(d => (System.IO.Path.GetFileName(d), d)).ToList(),
            _ => [],
        };
    }

    /// <summary>About how many documents there are, for progress only: the lines of the file or files, the records' separators, or the files.</summary>
    public long EstimatedCount()
    {
        var folder = Directory.Exists(Path);
        return Format switch
        {
            TextCorpusFormat.Records => (folder ? CategorizedCorpus.Files(Path) : File.Exists(Path) ? [Path] : []).Sum(f => 1 + File.ReadLines(f).LongCount(l => l == CategorizedCorpus.Separator)),
            TextCorpusFormat.Folders => FolderCorpus.CategoryFolders(Path) is { Count: > 0 } categories ? categories.Sum(d => (long)TextFiles.In(d).Count) : TextFiles.In(Path).Count,
            _ => (folder ? TextFiles.In(Path) : File.Exists(Path) ? [Path] : []).Sum(f => File.ReadLines(f).LongCount()),
        };
    }

    private int FirstRowFields()
    {
        using var reader = CsvRecordReader.Open(Path, Format == TextCorpusFormat.Tsv ? '\t' : ',');
        return reader.Read() ? reader.FieldCount : 0;
    }
}
