using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Corruptions;

/// <summary>
/// Text view for document-level tasks: every real word of a padded document is dropped (turned into padding) with
/// probability <see cref="Probability"/>, so two draws give two partly different subsets of one document's words, the
/// "two corruptions of one sentence" of a same-versus-different task. At least one word of every non-empty document
/// is kept, so no view is empty. Padding stays padding and nothing is reordered. With <see cref="Disjoint"/>, the two
/// views of a pair split the document's words between them instead (each word goes to one view or the other), so
/// a task can only match them through words that tend to share documents, not through the same words seen twice.
/// </summary>
public sealed class WordDropout : IViewPair
{
    /// <summary>Creates the corruption.</summary>
    /// <param name="probability">Chance that a word is dropped, in [0, 1).</param>
    /// <param name="paddingToken">The id that marks padding (what a dropped word becomes).</param>
    /// <param name="disjoint">Pairs of views split each document's words between them (the probability is then ignored for pairs).</param>
    /// <exception cref="ArgumentException">The probability is outside [0, 1).</exception>
    public WordDropout(double probability, int paddingToken = 0, bool disjoint = false)
    {
        Disjoint = disjoint;
        if (probability is not (>= 0 and < 1))
            throw new ArgumentException($"word dropout: expected a probability in [0, 1), received {probability}.");
        Probability = probability;
        PaddingToken = paddingToken;
    }

    /// <summary>Chance that a word is dropped.</summary>
    public double Probability { get; }

    /// <summary>The padding id.</summary>
    public int PaddingToken { get; }

    /// <summary>Whether the two views of a pair split each document's words between them.</summary>
    public bool Disjoint { get; }

    /// <inheritdoc />
    public (Tensor First, Tensor Second) Views(Tensor batch, Generator generator)
    {
        if (!Disjoint)
            return (Corrupt(batch, generator), Corrupt(batch, generator));
        ThrowIfNotDocuments(batch);
        using var scope = NewDisposeScope();
        var tokens = batch.cpu();
        var real = tokens != PaddingToken;
        var scores = rand(tokens.shape, generator: generator);
        // A word goes to the first view on a heads; the best- and worst-scored real words go one to each view, so a
        // document of two words or more leaves neither view empty (a one-word document gives its word to both).
        var first = (scores >= 0.5).scatter_(1, scores.masked_fill(real.logical_not(), -1).argmax(1, keepdim: true), ones([tokens.shape[0], 1], ScalarType.Bool));
        var lowest = scores.masked_fill(real.logical_not(), 2).argmin(1, keepdim: true);
        var second = first.logical_not().scatter_(1, lowest, ones([tokens.shape[0], 1], ScalarType.Bool));
        first = first.scatter_(1, lowest, (real.sum(1, keepdim: true) == 1));
        return (tokens.where(first & real, PaddingToken).to(batch.device).MoveToOuterDisposeScope(),
            tokens.where(second & real, PaddingToken).to(batch.device).MoveToOuterDisposeScope());
    }

    /// <inheritdoc />
    public Tensor Corrupt(Tensor batch, Generator generator)
    {
        ThrowIfNotDocuments(batch);
        using var scope = NewDisposeScope();
        var tokens = batch.cpu();
        var real = tokens != PaddingToken;
        var scores = rand(tokens.shape, generator: generator);
        // The real word with the highest score is always kept, so a non-empty document keeps at least one word.
        var spared = scores.masked_fill(real.logical_not(), -1).argmax(1, keepdim: true);
        var keep = (scores >= Probability).scatter_(1, spared, ones(spared.shape, ScalarType.Bool)) & real;
        return tokens.where(keep, PaddingToken).to(batch.device).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public string Describe() => Disjoint ? "split each document's words between two views" : $"drop each word with probability {Probability}";

    private static void ThrowIfNotDocuments(Tensor batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.dim() != 2 || batch.dtype != ScalarType.Int64)
            throw new ArgumentException($"word dropout: expected padded token ids as int64 [documents, length], received {batch.dtype} [{string.Join(", ", batch.shape)}].");
    }
}
