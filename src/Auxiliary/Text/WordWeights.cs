using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Text;

/// <summary>
/// Weights for averaging a document's words. Plain averages are dominated by the most frequent words ("the", "of"),
/// which say little about a document's topic; TF-IDF features owe much of their strength to discounting them. The
/// smooth inverse frequency weight a / (a + p(w)) of Arora, Liang and Ma (ICLR 2017) does the same for averaged
/// embeddings: about 1 for rare words and a / p(w) for frequent ones.
/// </summary>
public static class WordWeights
{
    /// <summary>The smoothing constant of the frequency weights when none is given: Arora et al.'s usual 1e-3.</summary>
    public const double DefaultSmoothing = 1e-3;

    /// <summary>
    /// a / (a + p(w)) for every token id of <paramref name="vocabulary"/>, p(w) its share of the counted words
    /// (<c>&lt;unk&gt;</c> included, with its own count); 0 for padding. float32 <c>[vocabulary]</c> on the CPU.
    /// </summary>
    /// <exception cref="ArgumentException">The smoothing constant is not positive.</exception>
    public static Tensor Frequency(Vocabulary vocabulary, double smoothing = DefaultSmoothing)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        if (!(smoothing > 0))
            throw new ArgumentException($"word weights: the smoothing constant must be positive, received {smoothing}.", nameof(smoothing));
        var total = Math.Max(1, vocabulary.Counts.Sum());
        var weights = vocabulary.Counts.Select((count, id) => id == Vocabulary.PaddingId ? 0f : (float)(smoothing / (smoothing + count / (double)total))).ToArray();
        return tensor(weights);
    }
}
