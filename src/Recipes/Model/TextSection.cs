using Pretrain.Auxiliary.Corruptions;
using Pretrain.Auxiliary.Text;
using Pretrain.Pretraining.Layers;

namespace Pretrain.Recipes.Model;

/// <summary>
/// The recipe's <c>text</c> section: the text pipeline, used instead of <c>data</c>. A window encoder (word
/// embeddings, then dense layers) is pretrained on an auxiliary language task over the whole corpus, then reused to
/// classify documents by category with few labels, and compared with the same classifier trained from scratch.
/// </summary>
public sealed record TextSection
{
    /// <summary>
    /// How the corpus is laid out: <c>records</c> (a folder of fortune-style record files, file name = category),
    /// <c>csv</c> or <c>tsv</c> (a label and a text column), <c>jsonl</c> (an object with a label and a text field per
    /// line), <c>lines</c> (one document per line; a file, or a folder of .txt files, file name = category) or
    /// <c>folders</c> (root/{category}/*.txt, a file per document). Default records.
    /// </summary>
    public TextCorpusFormat Format { get; init; } = TextCorpusFormat.Records;

    /// <summary>The corpus file or folder, as the format wants. Give this or, for records only, <c>folder</c>.</summary>
    public string? Path { get; init; }

    /// <summary>For records: the folder of record files (records separated by <c>%</c> lines), the same as <c>path</c>.</summary>
    public string? Folder { get; init; }

    /// <summary>
    /// For csv and tsv: the label column, by header name or 0-based index (default the first column); for jsonl: the
    /// label field (default "label"). A document with an empty or null label feeds only the auxiliary task.
    /// </summary>
    public string? LabelField { get; init; }

    /// <summary>For csv and tsv: the text column, by header name or 0-based index (default the second column); for jsonl: the text field (default "text").</summary>
    public string? TextField { get; init; }

    /// <summary>
    /// For csv and tsv: whether the first row is a header. Omitted means detect it: a header when a column is named,
    /// or when the first row reads label, category, class or target where the label is, or text, document, sentence,
    /// content, body or review where the text is.
    /// </summary>
    public bool? Header { get; init; }

    /// <summary>The categories (labels, file or folder names) of the labelled task; every document still feeds the auxiliary task.</summary>
    public required IReadOnlyList<string> Categories { get; init; }

    /// <summary>Documents with fewer words are dropped.</summary>
    public int MinWords { get; init; } = 3;

    /// <summary>Documents are cut to this many words for classification.</summary>
    public int MaxWords { get; init; } = 60;

    /// <summary>Fold words to lower case.</summary>
    public bool Lowercase { get; init; } = true;

    /// <summary>Vocabulary size cap, padding and unknown tokens included.</summary>
    public int VocabularySize { get; init; } = 10000;

    /// <summary>Words seen fewer times map to the unknown token.</summary>
    public int MinCount { get; init; } = 2;

    /// <summary>Window length in words (odd: a centre word and equal context either side).</summary>
    public int Window { get; init; } = 5;

    /// <summary>Embedding width per word.</summary>
    public int EmbeddingSize { get; init; } = 50;

    /// <summary>Dense layer widths above the concatenated embeddings.</summary>
    public IReadOnlyList<int> HiddenLayers { get; init; } = [100];

    /// <summary>Dense layer nonlinearity.</summary>
    public EncoderActivation Activation { get; init; } = EncoderActivation.Tanh;

    /// <summary>The auxiliary language task.</summary>
    public TextAuxiliarySection Auxiliary { get; init; } = new();

    /// <summary>Labelled training documents per category.</summary>
    public int LabelsPerClass { get; init; } = 20;

    /// <summary>Labelled validation documents per category (early stopping).</summary>
    public int ValidationPerClass { get; init; } = 20;

    /// <summary>Fraction of each category's documents kept aside as the test set (and out of the auxiliary task).</summary>
    public double TestFraction { get; init; } = 0.3;

    /// <summary>How the document classifiers are trained.</summary>
    public TextClassifierSection Classifier { get; init; } = new();

    /// <summary>Words whose nearest neighbours in the embedding are printed after pretraining.</summary>
    public IReadOnlyList<string> Neighbours { get; init; } = [];

    /// <summary>The corpus location as written: <c>path</c>, or <c>folder</c> for records.</summary>
    internal string CorpusPath => Path ?? Folder ?? "";

    /// <summary>The field of <see cref="CorpusPath"/> in recipe errors.</summary>
    internal string CorpusPathField => Path is null && Folder is not null ? "text.folder" : "text.path";

    /// <summary>What the corpus reader needs from this section.</summary>
    internal TextCorpusOptions CorpusOptions => new() { Format = Format, LabelField = LabelField, TextField = TextField, Header = Header };
}

/// <summary>The recipe's <c>text.auxiliary</c>: the language task of Collobert and Weston.</summary>
public sealed record TextAuxiliarySection
{
    /// <summary><c>ranking</c> (max-margin, the original) or <c>corruptedVsGood</c> (logistic).</summary>
    public AuxiliaryTaskKind Task { get; init; } = AuxiliaryTaskKind.Ranking;

    /// <summary>How the replacement centre word is drawn.</summary>
    public TokenSampling Sampling { get; init; } = TokenSampling.Uniform;

    /// <summary>Ranking margin.</summary>
    public double Margin { get; init; } = 1;

    /// <summary>Passes over the windows.</summary>
    public int Epochs { get; init; } = 5;

    /// <summary>Windows per batch.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Adam's learning rate.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Fraction of windows held out to report the task's score.</summary>
    public double HeldOutFraction { get; init; } = 0.05;
}

/// <summary>The recipe's <c>text.classifier</c>: training of both document classifiers.</summary>
public sealed record TextClassifierSection
{
    /// <summary>Maximum epochs.</summary>
    public int Epochs { get; init; } = 200;

    /// <summary>Documents per batch.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Adam's learning rate.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Epochs without a better validation accuracy before stopping.</summary>
    public int Patience { get; init; } = 20;

    /// <summary>
    /// Average the encoder's outputs over every word's window (<c>windows</c>) or reuse only the lowest layer, the word
    /// embeddings, and average those (<c>words</c>).
    /// </summary>
    public Auxiliary.Text.DocumentPooling Pooling { get; init; } = Auxiliary.Text.DocumentPooling.Windows;
}
