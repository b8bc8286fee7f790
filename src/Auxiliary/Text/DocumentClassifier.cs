using Pretrain.Auxiliary.Encoders;
using Pretrain.FineTuning.Freezing;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Text;

/// <summary>
/// Classifies whole documents with a window encoder: the encoder reads a window centred on every word, its outputs
/// are averaged over the document's words, and a softmax layer maps the average to classes. The encoder is the one an
/// auxiliary language task trained (or a fresh one, to compare with training from scratch).
/// </summary>
public sealed class DocumentClassifier : IDisposable
{
    /// <summary>Builds the classifier around <paramref name="encoder"/>, which it then owns.</summary>
    /// <param name="encoder">A text encoder over odd-length centred windows.</param>
    /// <param name="classes">Number of document classes.</param>
    /// <param name="device">Where the softmax layer lives.</param>
    /// <param name="generator">Draws the softmax layer's initial weights.</param>
    /// <param name="pooling">Average the whole encoder's window outputs, or only its word embeddings (the lowest layer).</param>
    /// <param name="wordWeights">
    /// A weight per token id, <c>[vocabulary]</c>, for weighted averages (<see cref="WordWeights"/>); copied, never trained.
    /// Null (default) weighs every word alike.
    /// </param>
    public DocumentClassifier(AuxiliaryEncoder encoder, int classes, Device device, Generator generator, DocumentPooling pooling = DocumentPooling.Windows,
        Tensor? wordWeights = null)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        if (!encoder.Spec.IsText || encoder.Spec.Inputs % 2 == 0)
            throw new ArgumentException("document classifier: needs a text encoder over odd-length centred windows.");
        if (classes < 2)
            throw new ArgumentException($"document classifier: needs at least 2 classes, received {classes}.");
        if (wordWeights is not null && (wordWeights.dim() != 1 || wordWeights.shape[0] != encoder.Spec.VocabularySize))
            throw new ArgumentException($"document classifier: expected one word weight per token ({encoder.Spec.VocabularySize}), received [{string.Join(", ", wordWeights.shape)}].");
        Encoder = encoder;
        Pooling = pooling;
        WordWeights = wordWeights?.detach().to(ScalarType.Float32).to(device).clone();
        var features = DocumentPooler.Width(encoder, pooling);
        var bound = 1 / Math.Sqrt(features);
        HeadWeight = new Parameter(empty([classes, features]).uniform_(-bound, bound, generator: generator).to(device));
        HeadBias = new Parameter(zeros([classes], device: device));
    }

    /// <summary>What is averaged over a document's words.</summary>
    public DocumentPooling Pooling { get; }

    /// <summary>The weight of each token id in the averages, <c>[vocabulary]</c>; null when every word counts alike.</summary>
    public Tensor? WordWeights { get; }

    /// <summary>The name of <see cref="WordWeights"/> in <see cref="State"/> and in saved text models.</summary>
    public const string WordWeightsName = "pooling.wordWeights";

    /// <summary>The window encoder.</summary>
    public AuxiliaryEncoder Encoder { get; }

    /// <summary>The softmax layer's weight, <c>[classes, encoder outputs]</c>.</summary>
    public Parameter HeadWeight { get; }

    /// <summary>The softmax layer's bias.</summary>
    public Parameter HeadBias { get; }

    /// <summary>Every trainable tensor (the dense layers are left out when only the embeddings are pooled).</summary>
    public IEnumerable<Parameter> Parameters =>
        (Pooling == DocumentPooling.Words ? [Encoder.Embedding!] : Encoder.Parameters).Append(HeadWeight).Append(HeadBias);

    /// <summary>
    /// The trainable tensors by layer, lowest first: <c>embedding</c>, then <c>hidden1</c>, <c>hidden2</c>, ... (left
    /// out when only the embeddings are pooled), then <c>head</c>: the units that freezing, gradual unfreezing and
    /// per-layer learning rates work on.
    /// </summary>
    public LayerGroups LayerGroups
    {
        get
        {
            var groups = new List<(string, IReadOnlyList<Parameter>)> { ("embedding", [Encoder.Embedding!]) };
            if (Pooling != DocumentPooling.Words)
                groups.AddRange(Encoder.Weights.Zip(Encoder.Biases).Select((p, i) => ($"hidden{i + 1}", (IReadOnlyList<Parameter>)[p.First, p.Second])));
            groups.Add(("head", [HeadWeight, HeadBias]));
            return LayerGroups.Of(groups);
        }
    }

    /// <summary>
    /// The tensors by name, as a saved text model stores them: the encoder's (<c>embedding.weight</c>,
    /// <c>hidden1.weight</c>, <c>hidden1.bias</c>, ...), then <c>head.weight</c> <c>[classes, pooled]</c> and <c>head.bias</c>,
    /// and with word weights <c>pooling.wordWeights</c> <c>[vocabulary]</c>.
    /// </summary>
    public IReadOnlyDictionary<string, Tensor> State
    {
        get
        {
            var state = new Dictionary<string, Tensor>(Encoder.State) { ["head.weight"] = HeadWeight, ["head.bias"] = HeadBias };
            if (WordWeights is not null)
                state[WordWeightsName] = WordWeights;
            return state;
        }
    }

    /// <summary>The pooled features <c>[documents, width]</c> the softmax layer reads (see <see cref="DocumentPooler"/>).</summary>
    public Tensor Features(Tensor documents) => DocumentPooler.Pool(Encoder, documents, Pooling, WordWeights);

    /// <summary>Class logits <c>[documents, classes]</c> from pooled features.</summary>
    public Tensor Classify(Tensor features) => nn.functional.linear(features, HeadWeight, HeadBias);

    /// <summary>Class logits <c>[documents, classes]</c> for padded documents <c>[documents, length]</c> of token ids.</summary>
    public Tensor Forward(Tensor documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        return Classify(Features(documents));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Encoder.Dispose();
        WordWeights?.Dispose();
        HeadWeight.Dispose();
        HeadBias.Dispose();
    }
}
