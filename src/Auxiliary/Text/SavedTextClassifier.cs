using System.Text.Json;
using Pretrain.Auxiliary.Encoders;
using Pretrain.FineTuning.Evaluation;
using Pretrain.FineTuning.Models;
using Pretrain.Pretraining;
using Pretrain.Pretraining.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Text;

/// <summary>
/// A text model loaded from its manifest (<c>network.json</c>, <see cref="TextNetworkManifest"/>), weights and
/// vocabulary alone, with no recipe and no corpus: the files are checked against their SHA-256, the
/// <see cref="DocumentClassifier"/> is rebuilt from the manifest's architecture and its weights imported, and raw
/// documents are tokenized, looked up in the vocabulary (unknown words become <c>&lt;unk&gt;</c>), cut to
/// <c>maxWords</c> and padded exactly as in training, so the probabilities are the trained classifier's.
/// </summary>
/// <example>
/// <code>
/// using var model = SavedTextClassifier.Load("runs/fortunes-auxiliary-20261122-153012");   // or .../network.json
/// var probabilities = model.PredictText(["There is no place like 127.0.0.1."]);          // [1][classes]
/// </code>
/// </example>
public sealed class SavedTextClassifier : ITextClassifier
{
    /// <summary>Documents per batch in <see cref="PredictText"/> and <see cref="Evaluate"/>: the text stage's evaluation batch.</summary>
    public const int BatchSize = 256;

    private SavedTextClassifier(string manifestPath, TextNetworkManifest manifest, DocumentClassifier classifier, Vocabulary vocabulary, Device device)
    {
        ManifestPath = manifestPath;
        Manifest = manifest;
        Classifier = classifier;
        Vocabulary = vocabulary;
        Tokenizer = new WordTokenizer(manifest.Input.Lowercase);
        Device = device;
    }

    /// <inheritdoc />
    public string ManifestPath { get; }

    /// <inheritdoc />
    public TextNetworkManifest Manifest { get; }

    /// <summary>The rebuilt classifier (on <see cref="Device"/>); it reads padded token ids <c>[N, length]</c> and returns logits.</summary>
    public DocumentClassifier Classifier { get; }

    /// <summary>The vocabulary documents are encoded with.</summary>
    public Vocabulary Vocabulary { get; }

    /// <summary>The tokenizer of the manifest's input settings.</summary>
    public WordTokenizer Tokenizer { get; }

    /// <summary>Where the classifier lives.</summary>
    public Device Device { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> ClassNames => Manifest.Classes;

    /// <summary>Documents are cut to this many words.</summary>
    public int MaxWords => Manifest.Input.MaxWords;

    /// <summary>
    /// Loads the text model at <paramref name="path"/> (a manifest file or a folder holding <c>network.json</c>) onto
    /// <paramref name="device"/> (CPU by default). A bad manifest, a missing, modified or mismatched weights or
    /// vocabulary file is a <see cref="DataException"/> naming the file and the field or tensor.
    /// </summary>
    public static SavedTextClassifier Load(string path, Device? device = null)
    {
        var manifestPath = Path.GetFullPath(SavedNetwork.ManifestPathOf(path));
        var manifest = TextNetworkManifestReader.Read(manifestPath);
        TextNetworkManifestReader.VerifyChecksums(manifestPath, manifest);
        var vocabularyPath = TextNetworkManifestReader.VocabularyPath(manifestPath, manifest);
        var vocabulary = Vocabulary.Load(vocabularyPath);
        var a = manifest.Architecture;
        if (vocabulary.Count != a.VocabularySize)
            throw new DataException(manifestPath, $"architecture.vocabularySize: {a.VocabularySize}, but the vocabulary file {manifest.Vocabulary.File} has {vocabulary.Count} tokens.");
        if (vocabulary.Lowercase != manifest.Input.Lowercase)
            throw new DataException(manifestPath, $"input.lowercase: {(manifest.Input.Lowercase ? "true" : "false")}, but the vocabulary file {manifest.Vocabulary.File} was built {(vocabulary.Lowercase ? "lower-cased" : "with case kept")}.");
        var on = device ?? CPU;
        var spec = new EncoderSpec
        {
            Inputs = a.Window, VocabularySize = a.VocabularySize, EmbeddingSize = a.EmbeddingSize, HiddenLayers = a.HiddenLayers, Activation = a.Activation,
        };
        // The initial weights are overwritten by the file's; a fixed generator only keeps construction deterministic.
        using var generator = new Generator(0);
        // Word weights, like the other tensors, are placeholders here until the file's are copied in.
        using var wordWeights = a.WordWeights ? ones([a.VocabularySize]) : null;
        var classifier = new DocumentClassifier(new AuxiliaryEncoder(spec, on, generator), a.ClassCount, on, generator, ParsePooling(a.Pooling), wordWeights);
        try
        {
            ImportWeights(classifier, TextNetworkManifestReader.WeightsPath(manifestPath, manifest));
            return new SavedTextClassifier(manifestPath, manifest, classifier, vocabulary, on);
        }
        catch
        {
            classifier.Dispose();
            throw;
        }
    }

    /// <summary>The ids of each document's words (tokenized, looked up, cut to <see cref="MaxWords"/>, padded): int64 <c>[N, MaxWords]</c> on <see cref="Device"/>.</summary>
    public Tensor Encode(IReadOnlyList<string> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        return EncodeWords(documents.Select(d => Tokenizer.Tokenize(d ?? throw new ArgumentException("a document is null.", nameof(documents)))).ToList());
    }

    /// <summary>As <see cref="Encode"/>, for documents already split into words by <see cref="Tokenizer"/>.</summary>
    public Tensor EncodeWords(IReadOnlyList<IReadOnlyList<string>> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        using var ids = TextWindows.Padded(words.Select(w => (IReadOnlyList<int>)Vocabulary.Encode(w)).ToList(), MaxWords);
        return ids.to(Device);
    }

    /// <inheritdoc />
    public Tensor PredictProbabilities(IReadOnlyList<string> documents)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return nn.functional.softmax(Classifier.Forward(Encode(documents)), 1).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public float[][] PredictText(IEnumerable<string> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var rows = new List<float[]>();
        foreach (var batch in documents.Chunk(BatchSize))
        {
            using var probabilities = PredictProbabilities(batch).cpu();
            var values = probabilities.data<float>().ToArray();
            rows.AddRange(values.Chunk(ClassNames.Count));
        }
        return rows.ToArray();
    }

    /// <summary>Loss, accuracy and confusion matrix on tokenized documents and their class ids (in <see cref="ClassNames"/> order).</summary>
    public ClassificationReport Evaluate(IReadOnlyList<IReadOnlyList<string>> words, IReadOnlyList<long> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count != words.Count)
            throw new ArgumentException($"{words.Count} documents but {labels.Count} labels.", nameof(labels));
        using var ids = EncodeWords(words);
        using var y = tensor(labels.ToArray(), ScalarType.Int64);
        return ClassificationEvaluator.Evaluate(Classifier.Forward, ids, y, ClassNames.Count, Device, BatchSize);
    }

    /// <inheritdoc />
    public void Dispose() => Classifier.Dispose();

    /// <summary>The manifest's name of <paramref name="pooling"/>: <c>windows</c>, <c>words</c> or <c>maxWindows</c>.</summary>
    public static string PoolingName(DocumentPooling pooling) => JsonNamingPolicy.CamelCase.ConvertName(pooling.ToString());

    private static DocumentPooling ParsePooling(string name) =>
        Enum.GetValues<DocumentPooling>().Single(p => PoolingName(p) == name);

    /// <summary>Copies every tensor of the classifier's state from the file: same names, shapes and dtypes, nothing missing or extra.</summary>
    private static void ImportWeights(DocumentClassifier classifier, string weightsPath)
    {
        using var content = SafeTensorsFile.Read(weightsPath);
        var state = classifier.State;
        using var _ = no_grad();
        foreach (var (name, into) in state)
        {
            if (!content.Tensors.TryGetValue(name, out var source))
                throw new DataException(weightsPath, $"tensor '{name}' is missing; the manifest's architecture needs it.");
            if (!source.shape.SequenceEqual(into.shape) || source.dtype != into.dtype)
                throw new DataException(weightsPath, $"tensor '{name}': the manifest's architecture needs {into.dtype} [{string.Join(", ", into.shape)}], the file has {source.dtype} [{string.Join(", ", source.shape)}].");
            into.copy_(source);
        }
        var extra = content.Tensors.Keys.Where(k => !state.ContainsKey(k)).ToList();
        if (extra.Count > 0)
            throw new DataException(weightsPath, $"tensors {string.Join(", ", extra)} are not part of the manifest's architecture.");
    }
}
