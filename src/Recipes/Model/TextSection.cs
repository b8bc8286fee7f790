using Pretrain.Auxiliary.Corruptions;
using Pretrain.Auxiliary.Tasks;
using Pretrain.Auxiliary.Text;
using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Validation;

namespace Pretrain.Recipes.Model;

/// <summary>
/// The recipe's <c>text</c> section: the text pipeline, used instead of <c>data</c>. A window encoder (word
/// embeddings, then dense layers) is pretrained on an auxiliary language task over the whole corpus, then reused to
/// classify documents by category with few labels, and compared with the same classifier trained from scratch.
/// </summary>
public sealed record TextSection : IValidatedOptions
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

    /// <summary>
    /// More plain text for the auxiliary task and the vocabulary (files, or folders searched recursively; each
    /// non-blank line a document; files that are not UTF-8 text are skipped and counted), e.g.
    /// <c>["/usr/share/common-licenses", "/usr/share/doc"]</c>. Lines identical to a test document are left out. Default none.
    /// </summary>
    public IReadOnlyList<string> Unlabeled { get; init; } = [];

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

    /// <summary>The auxiliary language task. Its defaults are the library's except epochs 5 and batchSize 256, the text task's own (set in <see cref="TextAuxiliarySection"/>'s constructor).</summary>
    public TextAuxiliarySection Auxiliary { get; init; } = new();

    /// <summary>
    /// More auxiliary tasks, trained after <c>auxiliary</c> in this order on the same encoder, each with all of
    /// <c>auxiliary</c>'s fields and defaults; for example Collobert and Weston's ranking (word order within windows),
    /// then sameDifferent (which words share documents). Default none.
    /// </summary>
    public IReadOnlyList<TextAuxiliarySection> AuxiliaryThen { get; init; } = [];

    /// <summary>Every auxiliary task in the order they are trained: <c>auxiliary</c>, then <c>auxiliaryThen</c>'s.</summary>
    internal IReadOnlyList<(TextAuxiliarySection Task, string Path)> AuxiliaryTasks =>
        [(Auxiliary, "auxiliary"), .. AuxiliaryThen.Select((task, i) => (task, $"auxiliaryThen[{i}]"))];

    /// <summary>Labelled training documents per category.</summary>
    public int LabelsPerClass { get; init; } = 20;

    /// <summary>Labelled validation documents per category (early stopping).</summary>
    public int ValidationPerClass { get; init; } = 20;

    /// <summary>
    /// Also train and test every classifier (pretrained, scratch, bag of words) with each of these numbers of labelled
    /// documents per category, e.g. [20, 50, 100, 200], for the accuracy-versus-labels curve (<c>label-budgets.png</c>,
    /// <c>label-budgets.csv</c>). The training documents of a smaller budget are a subset of a larger one's, and the
    /// validation documents come after the largest budget. Empty (default): only <see cref="LabelsPerClass"/>.
    /// </summary>
    public IReadOnlyList<int> LabelBudgets { get; init; } = [];

    /// <summary>Fraction of each category's documents kept aside as the test set (and out of the auxiliary task).</summary>
    public double TestFraction { get; init; } = 0.3;

    /// <summary>How the document classifiers are trained. Its defaults are the library's except epochs 200 and patience 20, the text pipeline's own (set in <see cref="TextClassifierSection"/>'s constructor).</summary>
    public TextClassifierSection Classifier { get; init; } = new();

    /// <summary>Words whose nearest neighbours in the embedding are printed after pretraining.</summary>
    public IReadOnlyList<string> Neighbours { get; init; } = [];

    /// <summary>The corpus location as written: <c>path</c>, or <c>folder</c> for records.</summary>
    internal string CorpusPath => Path ?? Folder ?? "";

    /// <summary>The field of <see cref="CorpusPath"/> in recipe errors.</summary>
    internal string CorpusPathField => Path is null && Folder is not null ? "folder" : "path";

    /// <summary>What the corpus reader needs from this section.</summary>
    internal TextCorpusOptions CorpusOptions => new() { Format = Format, LabelField = LabelField, TextField = TextField, Header = Header };

    /// <summary>
    /// Every value out of range, with paths relative to <c>text</c>. Whether the corpus exists is checked when the run
    /// starts, as for data.train's default Fashion-MNIST folder: a recipe stays valid on a machine that has not
    /// installed its data yet.
    /// </summary>
    public IEnumerable<OptionProblem> Problems()
    {
        foreach (var problem in TextCorpusValidator.Validate(this))
            yield return problem;
        if (Categories.Count < 2)
            yield return new("categories", $"expected at least 2 categories (labels, file or folder names) for the labelled task, received {Categories.Count}.");
        if (Categories.Distinct(StringComparer.Ordinal).Count() != Categories.Count)
            yield return new("categories", "a category is listed twice.");
        foreach (var (value, name) in new[] { (MinWords, "minWords"), (MaxWords, "maxWords"), (MinCount, "minCount"), (EmbeddingSize, "embeddingSize"),
                     (LabelsPerClass, "labelsPerClass"), (ValidationPerClass, "validationPerClass") })
            if (value < 1)
                yield return new(name, $"expected a positive integer, received {value}.");
        if (VocabularySize < 4)
            yield return new("vocabularySize", $"expected at least 4 (padding, unknown and two words), received {VocabularySize}.");
        if (Window < 1 || Window % 2 == 0)
            yield return new("window", $"expected an odd positive window length, received {Window}.");
        for (var i = 0; i < HiddenLayers.Count; i++)
            if (HiddenLayers[i] < 1)
                yield return new($"hiddenLayers[{i}]", $"expected a positive integer, received {HiddenLayers[i]}.");
        if (HiddenLayers.Count == 0)
            yield return new("hiddenLayers", "expected at least one layer width.");
        for (var i = 0; i < Unlabeled.Count; i++)
            if (string.IsNullOrWhiteSpace(Unlabeled[i]))
                yield return new($"unlabeled[{i}]", "expected a file or folder of plain text.");
        for (var i = 0; i < LabelBudgets.Count; i++)
            if (LabelBudgets[i] < 1)
                yield return new($"labelBudgets[{i}]", $"expected a positive integer, received {LabelBudgets[i]}.");
        if (LabelBudgets.Distinct().Count() != LabelBudgets.Count)
            yield return new("labelBudgets", "a budget is listed twice.");
        if (TestFraction is <= 0 or >= 1)
            yield return new("testFraction", $"expected a number in (0, 1), received {TestFraction}.");
        foreach (var (task, path) in AuxiliaryTasks)
            foreach (var problem in task.Problems())
                yield return problem.Under(path);
        foreach (var problem in Classifier.Problems())
            yield return problem.Under("classifier");
    }
}

/// <summary>
/// The recipe's <c>text.auxiliary</c>: the language task of Collobert and Weston. The training fields are inherited from
/// <see cref="AuxiliaryTrainingOptions"/> (the text stage hands this section to the trainer as it is); only their
/// defaults differ, and only here: <c>epochs</c> 5 and <c>batchSize</c> 256 (see the constructor).
/// </summary>
public sealed record TextAuxiliarySection : AuxiliaryTrainingOptions
{
    /// <summary>
    /// Creates the section with the text task's defaults, which replace the library's 10 epochs and 128 per batch:
    /// <c>epochs</c> 5 and <c>batchSize</c> 256 (a corpus gives many more, and smaller, windows than a data set gives
    /// examples). The other training fields keep <see cref="AuxiliaryTrainingOptions"/>'s defaults.
    /// </summary>
    public TextAuxiliarySection()
    {
        Epochs = 5;
        BatchSize = 256;
    }

    /// <summary>
    /// <c>ranking</c> (max-margin, the original: a real window must score above the same window with its centre word
    /// replaced), <c>corruptedVsGood</c> (the same windows, a logistic real-or-replaced classifier), or
    /// <c>sameDifferent</c> (whole documents: two views of one document, each keeping a random part of its words, are
    /// "same", views of two documents "different"; the documents are read as the classifier reads them,
    /// <c>text.classifier.pooling</c>). Default ranking.
    /// </summary>
    public AuxiliaryTaskKind Task { get; init; } = AuxiliaryTaskKind.Ranking;

    /// <summary>How the replacement centre word is drawn (ranking and corruptedVsGood).</summary>
    public TokenSampling Sampling { get; init; } = TokenSampling.Uniform;

    /// <summary>Ranking margin, and the contrastive margin of sameDifferent with <c>pairLoss</c> contrastive.</summary>
    public double Margin { get; init; } = 1;

    /// <summary>
    /// sameDifferent only: how a pair is scored. Default <c>ntXent</c> (every other document of the batch is a
    /// "different" partner at once, on a projection head that pretraining leaves behind); <c>binaryCrossEntropy</c> and
    /// <c>contrastive</c> score one balanced pair per document.
    /// </summary>
    public PairLoss PairLoss { get; init; } = PairLoss.NtXent;

    /// <summary>sameDifferent with <c>pairLoss</c> ntXent: temperature and projection head; null takes their defaults.</summary>
    public ContrastiveSettings? Contrastive { get; init; }

    /// <summary>sameDifferent only: the chance that a word is left out of a view (at least one word is always kept). Default 0.5.</summary>
    public double WordDropout { get; init; } = 0.5;

    /// <summary>
    /// sameDifferent only: the two views of a document split its words between them (each word in one view only)
    /// instead of dropping words from each independently; <c>wordDropout</c> is then not used. Default false.
    /// </summary>
    public bool DisjointViews { get; init; }

    /// <summary>The training options' problems, then the task's, each with its path relative to <c>text.auxiliary</c>.</summary>
    public override IEnumerable<OptionProblem> Problems()
    {
        foreach (var problem in base.Problems())
            yield return problem;
        if (WordDropout is not (>= 0 and < 1))
            yield return new("wordDropout", $"expected a probability in [0, 1), received {WordDropout}.");
        if (Contrastive is not null)
            foreach (var problem in Contrastive.Problems())
                yield return problem.Under("contrastive");
        if (!(Margin > 0))
            yield return new("margin", $"expected a positive number, received {Margin}.");
    }
}

/// <summary>
/// The recipe's <c>text.classifier</c>: training of both document classifiers. The training fields are inherited from
/// <see cref="DocumentClassifierTrainingOptions"/> (the text stage hands this section to the trainer as it is); only
/// their defaults differ, and only here: <c>epochs</c> 200 and <c>patience</c> 20 (see the constructor).
/// </summary>
public sealed record TextClassifierSection : DocumentClassifierTrainingOptions
{
    /// <summary>
    /// Creates the section with the text pipeline's defaults, which replace the library's 100 epochs and patience 15:
    /// <c>epochs</c> 200 and <c>patience</c> 20 (few labelled documents make each epoch short and the validation accuracy
    /// noisy). The other training fields keep <see cref="DocumentClassifierTrainingOptions"/>'s defaults.
    /// </summary>
    public TextClassifierSection()
    {
        Epochs = 200;
        Patience = 20;
    }

    /// <summary>
    /// Average the encoder's outputs over every word's window (<c>windows</c>) or reuse only the lowest layer, the word
    /// embeddings, and average those (<c>words</c>).
    /// </summary>
    public DocumentPooling Pooling { get; init; } = DocumentPooling.Windows;

    /// <summary>
    /// How the averages weigh a document's words: <c>uniform</c> (default, a plain average) or <c>frequency</c> (smooth
    /// inverse frequency from the vocabulary's counts, so "the" and "of" count little; not used by maxWindows). The
    /// sameDifferent auxiliary task reads documents with the same weights.
    /// </summary>
    public WordWeighting WordWeights { get; init; } = WordWeighting.Uniform;
}
