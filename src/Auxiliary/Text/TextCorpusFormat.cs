namespace Pretrain.Auxiliary.Text;

/// <summary>How a text corpus is laid out on disk: which reader <see cref="TextCorpus.Load"/> uses.</summary>
public enum TextCorpusFormat
{
    /// <summary>A folder of record files, records separated by <c>%</c> lines (the fortune files); file name = category. See <see cref="CategorizedCorpus"/>.</summary>
    Records,
    /// <summary>A comma-separated file with a label and a text column. See <see cref="DelimitedCorpus"/>.</summary>
    Csv,
    /// <summary>A tab-separated file with a label and a text column. See <see cref="DelimitedCorpus"/>.</summary>
    Tsv,
    /// <summary>JSON Lines: one object with a label and a text field per line. See <see cref="JsonLinesCorpus"/>.</summary>
    Jsonl,
    /// <summary>One document per line of a text file, or of each <c>.txt</c> file in a folder (file name = category). See <see cref="LineCorpus"/>.</summary>
    Lines,
    /// <summary>A folder per category, each <c>.txt</c> file in it one document. See <see cref="FolderCorpus"/>.</summary>
    Folders,
}
