using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Text;

/// <summary>Turns documents of token ids into fixed-size int64 tensors: centred windows, or padded sentences.</summary>
public static class TextWindows
{
    /// <summary>
    /// One window of <paramref name="length"/> ids (odd) centred on every <paramref name="stride"/>-th word of each
    /// document, padded with <see cref="Vocabulary.PaddingId"/> past the document's ends: <c>[windows, length]</c>.
    /// </summary>
    public static Tensor Centred(IEnumerable<IReadOnlyList<int>> documents, int length, int stride = 1)
    {
        ArgumentNullException.ThrowIfNull(documents);
        if (length < 1 || length % 2 == 0)
            throw new ArgumentException($"text windows: the window length must be odd (a centre word and equal context on each side), received {length}.");
        if (stride < 1)
            throw new ArgumentException($"text windows: the stride must be at least 1, received {stride}.");
        var half = length / 2;
        var ids = new List<long>();
        foreach (var document in documents)
            for (var centre = 0; centre < document.Count; centre += stride)
                for (var offset = -half; offset <= half; offset++)
                {
                    var at = centre + offset;
                    ids.Add(at >= 0 && at < document.Count ? document[at] : Vocabulary.PaddingId);
                }
        return tensor(ids.ToArray(), ScalarType.Int64).view(ids.Count / length, length);
    }

    /// <summary>Each document cut or padded to <paramref name="length"/> ids: <c>[documents, length]</c>.</summary>
    public static Tensor Padded(IReadOnlyList<IReadOnlyList<int>> documents, int length)
    {
        ArgumentNullException.ThrowIfNull(documents);
        if (length < 1)
            throw new ArgumentException($"padded sentences: the length must be at least 1, received {length}.");
        var ids = new long[documents.Count * length];
        for (var d = 0; d < documents.Count; d++)
            for (var i = 0; i < Math.Min(length, documents[d].Count); i++)
                ids[d * length + i] = documents[d][i];
        return tensor(ids, ScalarType.Int64).view(documents.Count, length);
    }
}
