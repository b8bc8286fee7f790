using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Text;

/// <summary>Nearest neighbours of a word in an embedding table, by cosine similarity.</summary>
public static class NearestWords
{
    /// <summary>The <paramref name="count"/> words closest to <paramref name="word"/> (special tokens excluded), with their similarity.</summary>
    public static IReadOnlyList<(string Word, double Similarity)> Of(string word, Vocabulary vocabulary, Tensor embedding, int count = 5)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(embedding);
        if (!vocabulary.Contains(word))
            throw new ArgumentException($"nearest words: '{word}' is not in the vocabulary.");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var table = embedding.detach().cpu().to(ScalarType.Float32);
        var unit = table / table.norm(1, keepdim: true).clamp_min(1e-12);
        var similarity = unit.mv(unit[vocabulary.IdOf(word)]);
        similarity[vocabulary.IdOf(word)] = -2;
        similarity.narrow(0, 0, Vocabulary.FirstWordId).fill_(-2);
        var top = similarity.topk(Math.Min(count, vocabulary.Count - Vocabulary.FirstWordId - 1));
        var values = top.values.data<float>().ToArray();
        var ids = top.indexes.data<long>().ToArray();
        return ids.Select((id, i) => (vocabulary.TokenOf((int)id), (double)values[i])).ToList();
    }
}
