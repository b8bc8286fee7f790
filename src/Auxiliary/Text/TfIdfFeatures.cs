using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Text;

/// <summary>
/// Bag-of-words features for the simple baseline every text result is compared with: per word of the vocabulary,
/// log(1 + count) times the word's inverse document frequency (fitted on the training documents only), each row scaled
/// to unit length. Padding and unknown words are left out. Written here rather than taken from a package because it is
/// a few lines over the vocabulary the text pipeline already has; ML.NET's text featurizer would bring its own tokenizer.
/// </summary>
public sealed class TfIdfFeatures
{
    private readonly Vocabulary _vocabulary;
    private readonly float[] _idf;

    private TfIdfFeatures(Vocabulary vocabulary, float[] idf) => (_vocabulary, _idf) = (vocabulary, idf);

    /// <summary>Fits the inverse document frequencies of <paramref name="vocabulary"/>'s words on <paramref name="training"/>.</summary>
    public static TfIdfFeatures Fit(Vocabulary vocabulary, IReadOnlyList<IReadOnlyList<string>> training)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(training);
        var documentFrequency = new int[vocabulary.Count];
        foreach (var document in training)
            foreach (var id in vocabulary.Encode(document).Distinct())
                documentFrequency[id]++;
        // Smoothed as scikit-learn's TfidfVectorizer does: idf = ln((1 + n) / (1 + df)) + 1.
        var idf = documentFrequency.Select(df => (float)(Math.Log((1.0 + training.Count) / (1.0 + df)) + 1)).ToArray();
        idf[Vocabulary.PaddingId] = 0;
        idf[Vocabulary.UnknownId] = 0;
        return new TfIdfFeatures(vocabulary, idf);
    }

    /// <summary>Width of a feature row (the vocabulary's size).</summary>
    public int Width => _idf.Length;

    /// <summary>The features of <paramref name="documents"/>, float32 [N, <see cref="Width"/>], rows of unit length (or zero).</summary>
    public Tensor Transform(IReadOnlyList<IReadOnlyList<string>> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var values = new float[documents.Count * (long)Width];
        for (var row = 0; row < documents.Count; row++)
        {
            var offset = row * (long)Width;
            foreach (var group in _vocabulary.Encode(documents[row]).GroupBy(id => id))
                values[offset + group.Key] = (float)Math.Log(1 + group.Count()) * _idf[group.Key];
            var norm = 0.0;
            for (var i = 0; i < Width; i++)
                norm += values[offset + i] * values[offset + i];
            if (norm > 0)
                for (var i = 0; i < Width; i++)
                    values[offset + i] /= (float)Math.Sqrt(norm);
        }
        return tensor(values, [documents.Count, Width]);
    }
}
