using System.Text.Json;
using System.Text.Json.Serialization;
using Pretrain.Pretraining.Layers;

namespace Pretrain.FineTuning.Models;

/// <summary>
/// <c>network.json</c> of a text model (<c>architecture.kind: "text"</c>): a document classifier that reads raw text.
/// The same envelope as <see cref="NetworkManifest"/> (format, classes, weights, created, writtenBy), with the window
/// encoder and its pooling as the architecture, the tokenizer settings as the input and the vocabulary file beside
/// it, both files with their SHA-256. Written last, after the weights and the vocabulary, so it is the commit point.
/// Format version 2: older readers refuse it rather than misread it. Documented in docs/saved-network.md.
/// </summary>
public sealed record TextNetworkManifest
{
    /// <summary>The architecture kind of a text model.</summary>
    public const string Kind = "text";

    /// <summary>The format version text models need (dense and convolutional networks are still written as 1).</summary>
    public const int FirstVersion = 2;

    /// <summary>The vocabulary file's name beside a manifest named <c>network.json</c>: <c>network.vocabulary.json</c>.</summary>
    public static string VocabularyFileFor(string weightsPath) =>
        Path.GetFileName(Path.ChangeExtension(weightsPath ?? throw new ArgumentNullException(nameof(weightsPath)), ".vocabulary.json"));

    /// <summary>Always <c>pretrain-network</c>.</summary>
    public string Format { get; init; } = NetworkManifest.FormatName;

    /// <summary>Format version; 2 for text models.</summary>
    public int Version { get; init; } = FirstVersion;

    /// <summary>The window encoder, its pooling over the document and the softmax layer.</summary>
    public required TextNetworkArchitecture Architecture { get; init; }

    /// <summary>What one raw example is (a document) and how it becomes token ids.</summary>
    public required TextNetworkInput Input { get; init; }

    /// <summary>The words in id order, in a file beside the manifest.</summary>
    public required NetworkVocabulary Vocabulary { get; init; }

    /// <summary>One name per class (document category), in logit order.</summary>
    public required IReadOnlyList<string> Classes { get; init; }

    /// <summary>The weights file and its checksum.</summary>
    public required NetworkWeights Weights { get; init; }

    /// <summary>When the model was saved.</summary>
    public DateTimeOffset Created { get; init; }

    /// <summary>The Pretrain version that wrote it.</summary>
    public string? WrittenBy { get; init; }

    /// <summary>The serializer settings of <see cref="NetworkManifest.SerializerOptions"/>.</summary>
    public static JsonSerializerOptions SerializerOptions => NetworkManifest.SerializerOptions;
}

/// <summary>
/// A text model's architecture: the ids of each word's centred window are embedded and concatenated, dense layers
/// with one nonlinearity encode the window, the window codes (or the word embeddings alone) are pooled over the
/// document's words, and a softmax layer maps the pooled vector to classes.
/// </summary>
public sealed record TextNetworkArchitecture
{
    /// <summary>The pooling kinds: mean of window codes, mean of word embeddings, max of window codes.</summary>
    public static IReadOnlyList<string> Poolings { get; } = ["windows", "words", "maxWindows"];

    /// <summary>Always <c>text</c>.</summary>
    public string Kind { get; init; } = TextNetworkManifest.Kind;

    /// <summary>Words per window (odd: a centre word and equal context on each side).</summary>
    public int Window { get; init; }

    /// <summary>Rows of the embedding: the vocabulary's size, padding and unknown included.</summary>
    public int VocabularySize { get; init; }

    /// <summary>Width of each word's embedding.</summary>
    public int EmbeddingSize { get; init; }

    /// <summary>Units per dense layer of the window encoder, lowest first.</summary>
    public required IReadOnlyList<int> HiddenLayers { get; init; }

    /// <summary>Nonlinearity after each dense layer.</summary>
    public EncoderActivation Activation { get; init; }

    /// <summary>
    /// What is pooled over a document's words: <c>windows</c> (mean of the window codes), <c>words</c> (mean of the word
    /// embeddings; the dense layers are saved but unused) or <c>maxWindows</c> (maximum of the window codes).
    /// </summary>
    public required string Pooling { get; init; }

    /// <summary>Number of classes (logits).</summary>
    public int ClassCount { get; init; }

    /// <summary>
    /// Whether the averages weigh each word by a per-token weight (the weights file's <c>pooling.wordWeights</c>
    /// <c>[vocabulary]</c>: pooled = sum of w(token) x feature / sum of w(token) over the real words). False (default, and
    /// in manifests written before it existed): a plain average.
    /// </summary>
    public bool WordWeights { get; init; }

    /// <summary>Width of the pooled vector the softmax layer reads (worked out from the fields above, not stored).</summary>
    [JsonIgnore]
    public int PooledFeatures => Pooling == "words" ? EmbeddingSize : HiddenLayers.Count > 0 ? HiddenLayers[^1] : Window * EmbeddingSize;

    /// <summary>
    /// The weights file's tensors and their shapes (all float32): <c>embedding.weight</c> <c>[vocabulary, embedding]</c>,
    /// <c>hiddenK.weight</c> <c>[out, in]</c> and <c>hiddenK.bias</c>, <c>head.weight</c> <c>[classes, pooled]</c>, <c>head.bias</c>,
    /// and with <see cref="WordWeights"/> <c>pooling.wordWeights</c> <c>[vocabulary]</c>.
    /// </summary>
    public IReadOnlyDictionary<string, long[]> TensorShapes()
    {
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal) { ["embedding.weight"] = [VocabularySize, EmbeddingSize] };
        long inputs = (long)Window * EmbeddingSize;
        for (var i = 0; i < HiddenLayers.Count; i++)
        {
            shapes[$"hidden{i + 1}.weight"] = [HiddenLayers[i], inputs];
            shapes[$"hidden{i + 1}.bias"] = [HiddenLayers[i]];
            inputs = HiddenLayers[i];
        }
        shapes["head.weight"] = [ClassCount, PooledFeatures];
        shapes["head.bias"] = [ClassCount];
        if (WordWeights)
            shapes["pooling.wordWeights"] = [VocabularySize];
        return shapes;
    }
}

/// <summary>
/// One raw example of a text model: a document, tokenized into words (runs of letters and digits, an inner apostrophe
/// kept), lower-cased when <see cref="Lowercase"/>, mapped to ids through the vocabulary (unknown words to
/// <see cref="UnknownId"/>), cut to <see cref="MaxWords"/> and padded with <see cref="PaddingId"/>.
/// </summary>
/// <param name="Dtype">Always <c>text</c>: the model reads strings, not numeric features.</param>
/// <param name="Tokenizer">Always <c>words</c> (the tokenizer described above).</param>
/// <param name="Lowercase">Whether words are folded to lower case (invariant culture) before the vocabulary lookup.</param>
/// <param name="MaxWords">Documents are cut to their first <c>maxWords</c> words.</param>
/// <param name="PaddingId">The id that fills a document past its end (never a word): 0.</param>
/// <param name="UnknownId">The id of every word outside the vocabulary: 1.</param>
public sealed record TextNetworkInput(string Dtype, string Tokenizer, bool Lowercase, int MaxWords, int PaddingId, int UnknownId)
{
    /// <summary>The largest <see cref="MaxWords"/> a manifest may give (100,000 words, a long chapter).</summary>
    public const int MaxMaxWords = 100_000;
}

/// <summary>The vocabulary file of a text model: JSON with <c>tokens</c> (the words in id order), <c>counts</c> and <c>lowercase</c>.</summary>
/// <param name="File">Its name, in the manifest's folder.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the file.</param>
public sealed record NetworkVocabulary(string File, string Sha256);
