namespace Pretrain.Auxiliary.Text;

/// <summary>What every corpus reader does with a document it found: tokenize it and keep it if it is long enough.</summary>
internal sealed class DocumentCollector(WordTokenizer tokenizer, int minWords)
{
    private readonly WordTokenizer tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
    private readonly List<LabeledDocument> documents = [];

    public IReadOnlyList<LabeledDocument> Documents => documents;

    public void Add(string text, string category)
    {
        var words = tokenizer.Tokenize(text);
        if (words.Count >= minWords)
            documents.Add(new LabeledDocument(words, category));
    }
}
