namespace Pretrain.Auxiliary.Text;

/// <summary>Reads a labelled text corpus in any of the <see cref="TextCorpusFormat"/> layouts into documents.</summary>
public static class TextCorpus
{
    /// <summary>The documents of <paramref name="path"/> (a file or a folder, as the format wants), tokenized.</summary>
    /// <param name="path">The corpus file or folder.</param>
    /// <param name="options">The format and its fields.</param>
    /// <param name="tokenizer">Splits each document into words.</param>
    /// <param name="minWords">Documents with fewer words are dropped.</param>
    /// <exception cref="Pretraining.DataException">The corpus is missing or malformed; the message names file, line and field.</exception>
    public static IReadOnlyList<LabeledDocument> Load(string path, TextCorpusOptions options, WordTokenizer tokenizer, int minWords = 1)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Format switch
        {
            TextCorpusFormat.Records => CategorizedCorpus.Load(path, tokenizer, minWords: minWords),
            TextCorpusFormat.Csv => DelimitedCorpus.Load(path, ',', options, tokenizer, minWords),
            TextCorpusFormat.Tsv => DelimitedCorpus.Load(path, '\t', options, tokenizer, minWords),
            TextCorpusFormat.Jsonl => JsonLinesCorpus.Load(path, options.LabelField ?? "label", options.TextField ?? "text", tokenizer, minWords),
            TextCorpusFormat.Lines => LineCorpus.Load(path, tokenizer, minWords),
            TextCorpusFormat.Folders => FolderCorpus.Load(path, tokenizer, minWords),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Format, "unknown text corpus format"),
        };
    }
}
