using Pretrain.Auxiliary.Encoders;
using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Text;

/// <summary>
/// Reads whole documents with a window encoder: one feature vector per document, pooled over its words as
/// <see cref="DocumentPooling"/> says. The document classifier and the document-level auxiliary task read documents
/// the same way through this, so what pretraining shapes is exactly what the classifier later reads.
/// </summary>
public static class DocumentPooler
{
    /// <summary>Width of the pooled features for <paramref name="encoder"/> and <paramref name="pooling"/>.</summary>
    public static int Width(AuxiliaryEncoder encoder, DocumentPooling pooling)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        return pooling == DocumentPooling.Words ? encoder.Spec.EmbeddingSize : encoder.Spec.OutputSize;
    }

    /// <summary>Pooled features <c>[documents, width]</c> of padded documents <c>[documents, length]</c> of token ids.</summary>
    /// <param name="encoder">The window encoder.</param>
    /// <param name="documents">Padded token ids.</param>
    /// <param name="pooling">What is pooled.</param>
    /// <param name="wordWeights">
    /// A weight per token id, <c>[vocabulary]</c>, that makes the averages weighted averages (see <see cref="WordWeights"/>);
    /// null weighs every word alike. Max pooling ignores it.
    /// </param>
    /// <exception cref="ArgumentException">The encoder is not a text encoder over odd-length centred windows, or the documents are not int64 [documents, length].</exception>
    public static Tensor Pool(AuxiliaryEncoder encoder, Tensor documents, DocumentPooling pooling, Tensor? wordWeights = null)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(documents);
        if (!encoder.Spec.IsText || encoder.Spec.Inputs % 2 == 0)
            throw new ArgumentException("document pooling: needs a text encoder over odd-length centred windows.");
        if (documents.dim() != 2 || documents.dtype != ScalarType.Int64)
            throw new ArgumentException($"document pooling: expected padded token ids as int64 [documents, length], received {documents.dtype} [{string.Join(", ", documents.shape)}].");
        var (count, length) = (documents.shape[0], documents.shape[1]);
        var real = (documents != Vocabulary.PaddingId).unsqueeze(2).to(encoder.Embedding!.dtype);
        // The averages' weights: 1 per real word, or the word's own weight; 0 for padding either way.
        var weight = wordWeights is null || pooling == DocumentPooling.MaxWindows
            ? real
            : real * wordWeights.index_select(0, documents.flatten()).view(count, length, 1);
        if (pooling == DocumentPooling.Words)
        {
            var embedded = encoder.Embedding.index_select(0, documents.flatten()).view(count, length, -1);
            return (embedded * weight).sum(1) / Divisor(weight, wordWeights);
        }
        var window = encoder.Spec.Inputs;
        var half = window / 2;
        // Centred windows for every position by unfolding the padded documents: [documents, length, window].
        var padded = nn.functional.pad(documents, [half, half], value: Vocabulary.PaddingId);
        var windows = padded.unfold(1, window, 1);
        var codes = encoder.Forward(windows.reshape(count * length, window)).view(count, length, -1);
        return pooling == DocumentPooling.MaxWindows
            // Padding positions never win the max: they are pushed far below any activation (an all-padding document gets zeros).
            ? (codes + (real - 1) * 1e9f).amax(1).where(real.sum(1) > 0, 0f)
            : (codes * weight).sum(1) / Divisor(weight, wordWeights);
    }

    /// <summary>The sum of the weights, kept away from 0 so a document without words pools to 0.</summary>
    private static Tensor Divisor(Tensor weight, Tensor? wordWeights) =>
        // Word counts are whole numbers: at least 1. Weights can be small, so only an all-zero sum is lifted.
        wordWeights is null ? weight.sum(1).clamp_min(1) : weight.sum(1).clamp_min(1e-12);
}
