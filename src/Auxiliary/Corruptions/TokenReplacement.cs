using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Corruptions;

/// <summary>
/// Text corruption: replaces <see cref="Count"/> tokens of every window or sentence (or only the centre token, as in
/// Collobert and Weston's language model) with a random vocabulary token that is never the token it replaces.
/// Padding is never chosen or touched; special tokens (padding, unknown) are never drawn as replacements.
/// </summary>
public sealed class TokenReplacement : ICorruption
{
    private const int MaxRedraws = 64;
    private readonly double[]? _weights;

    /// <summary>Creates the corruption.</summary>
    /// <param name="vocabularySize">Number of token ids; ids below <paramref name="firstRegularToken"/> are special.</param>
    /// <param name="count">How many tokens to replace in each row (ignored when <paramref name="centreOnly"/>).</param>
    /// <param name="sampling">Uniform or unigram-frequency draws.</param>
    /// <param name="unigramCounts">Count per token id, required for <see cref="TokenSampling.Unigram"/>.</param>
    /// <param name="paddingToken">The id that marks padding.</param>
    /// <param name="firstRegularToken">The first id that may be drawn as a replacement.</param>
    /// <param name="centreOnly">Replace the middle token of each row instead of random positions.</param>
    public TokenReplacement(int vocabularySize, int count = 1, TokenSampling sampling = TokenSampling.Uniform,
        IReadOnlyList<long>? unigramCounts = null, int paddingToken = 0, int firstRegularToken = 2, bool centreOnly = false)
    {
        if (count < 1)
            throw new ArgumentException($"token replacement: the number of tokens to replace must be at least 1, received {count}.");
        if (vocabularySize - firstRegularToken < 2)
            throw new ArgumentException($"token replacement: needs at least 2 regular tokens to draw a different one, the vocabulary has {Math.Max(0, vocabularySize - firstRegularToken)}.");
        VocabularySize = vocabularySize;
        Count = count;
        Sampling = sampling;
        PaddingToken = paddingToken;
        FirstRegularToken = firstRegularToken;
        CentreOnly = centreOnly;
        if (sampling == TokenSampling.Unigram)
        {
            if (unigramCounts is null || unigramCounts.Count != vocabularySize)
                throw new ArgumentException($"token replacement: unigram sampling needs one count per vocabulary token ({vocabularySize}), received {unigramCounts?.Count ?? 0}.");
            var weights = unigramCounts.Select((c, i) => i < firstRegularToken ? 0.0 : Math.Max(0, c)).ToArray();
            if (weights.Count(w => w > 0) < 2)
                throw new ArgumentException("token replacement: unigram sampling needs at least 2 regular tokens with a positive count.");
            _weights = weights;
        }
    }

    /// <summary>Number of token ids.</summary>
    public int VocabularySize { get; }

    /// <summary>Tokens replaced per row.</summary>
    public int Count { get; }

    /// <summary>How replacements are drawn.</summary>
    public TokenSampling Sampling { get; }

    /// <summary>The padding id.</summary>
    public int PaddingToken { get; }

    /// <summary>The first id that may be drawn.</summary>
    public int FirstRegularToken { get; }

    /// <summary>Whether only the centre token is replaced.</summary>
    public bool CentreOnly { get; }

    /// <inheritdoc />
    public Tensor Corrupt(Tensor batch, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.dim() != 2 || batch.dtype != ScalarType.Int64)
            throw new ArgumentException($"token replacement: expected token ids as int64 [rows, length], received {batch.dtype} [{string.Join(", ", batch.shape)}].");
        using var scope = NewDisposeScope();
        var tokens = batch.cpu();
        var (rows, length) = (tokens.shape[0], tokens.shape[1]);
        var real = tokens != PaddingToken;
        Tensor positions;
        if (CentreOnly)
            positions = full([rows, 1], length / 2, ScalarType.Int64);
        else
        {
            // Random scores, padding pushed below every real token, then the top k: k distinct real positions per row.
            var scores = rand([rows, length], generator: generator).masked_fill(real.logical_not(), -1);
            positions = scores.topk((int)Math.Min(Count, length), dim: 1).indexes;
        }
        var usable = real.gather(1, positions);
        var original = tokens.gather(1, positions);
        var replacement = DrawDifferent(original, generator);
        var result = tokens.clone().scatter_(1, positions, where(usable, replacement, original));
        return result.to(batch.device).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public string Describe() =>
        $"replace {(CentreOnly ? "the centre token" : $"{Count} token(s)")} ({Sampling.ToString().ToLowerInvariant()} draws)";

    private Tensor DrawDifferent(Tensor original, Generator generator)
    {
        var drawn = Draw(original.shape, generator);
        for (var attempt = 0; attempt < MaxRedraws; attempt++)
        {
            var same = drawn == original;
            if (!same.any().item<bool>())
                return drawn;
            drawn = where(same, Draw(original.shape, generator), drawn);
        }
        // Only reachable with a vocabulary dominated by one token: step to the next regular id instead.
        var regular = VocabularySize - FirstRegularToken;
        var stepped = (drawn - FirstRegularToken + 1) % regular + FirstRegularToken;
        return where(drawn == original, stepped, drawn);
    }

    private Tensor Draw(long[] shape, Generator generator)
    {
        var count = shape.Aggregate(1L, (a, b) => a * b);
        return _weights is null
            ? randint(FirstRegularToken, VocabularySize, shape, generator: generator)
            : tensor(_weights, ScalarType.Float64).multinomial(count, replacement: true, generator: generator).view(shape);
    }
}
