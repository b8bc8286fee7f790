using Pretrain.Auxiliary.Corruptions;
using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Tests.Corruptions;

public sealed class TokenReplacementTests
{
    private static Tensor Sentences()
    {
        // Ids 2..9, padding (0) at the ends of the shorter rows.
        long[,] ids =
        {
            { 2, 3, 4, 5, 6, 7, 8 },
            { 9, 8, 7, 6, 0, 0, 0 },
            { 5, 5, 5, 5, 5, 0, 0 },
            { 3, 0, 0, 0, 0, 0, 0 },
        };
        return tensor(ids);
    }

    [Fact]
    public void Replaces_exactly_k_real_tokens_per_row_never_with_the_same_token_and_never_padding()
    {
        using var sentences = Sentences();
        var corruption = new TokenReplacement(vocabularySize: 10, count: 2);
        for (ulong seed = 0; seed < 20; seed++)
        {
            using var g = new Generator(seed);
            using var bad = corruption.Corrupt(sentences, g);
            var before = sentences.data<long>().ToArray();
            var after = bad.data<long>().ToArray();
            for (var row = 0; row < 4; row++)
            {
                var real = Enumerable.Range(0, 7).Count(i => before[row * 7 + i] != 0);
                var changed = Enumerable.Range(0, 7).Where(i => before[row * 7 + i] != after[row * 7 + i]).ToList();
                changed.Should().HaveCount(Math.Min(2, real), "row {0} has {1} real tokens", row, real);
                changed.Should().OnlyContain(i => before[row * 7 + i] != 0, "padding is never replaced");
                changed.Should().OnlyContain(i => after[row * 7 + i] >= 2 && after[row * 7 + i] < 10, "replacements are regular tokens");
            }
        }
    }

    [Fact]
    public void Centre_only_replaces_the_middle_token()
    {
        using var windows = tensor(new long[,] { { 2, 3, 4, 5, 6 }, { 7, 7, 7, 7, 7 } });
        using var g = new Generator(4);
        using var bad = new TokenReplacement(10, centreOnly: true).Corrupt(windows, g);
        using var changed = windows != bad;
        changed.sum(1).data<long>().ToArray().Should().Equal(1, 1);
        changed[TensorIndex.Colon, 2].all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void Unigram_draws_follow_the_counts()
    {
        // Only ids 4 and 5 have counts, in the ratio 1:3; every draw must be one of them, in about that ratio.
        long[] counts = [0, 0, 0, 0, 100, 300, 0, 0];
        var corruption = new TokenReplacement(8, sampling: TokenSampling.Unigram, unigramCounts: counts, centreOnly: true);
        using var windows = full([4000, 3], 2L);
        using var g = new Generator(8);
        using var bad = corruption.Corrupt(windows, g);
        var centres = bad[TensorIndex.Colon, 1].data<long>().ToArray();
        centres.Should().OnlyContain(id => id == 4 || id == 5);
        (centres.Count(id => id == 5) / 4000.0).Should().BeApproximately(0.75, 0.03);
    }

    [Fact]
    public void Unigram_never_draws_the_replaced_token_even_when_it_is_the_most_frequent()
    {
        long[] counts = [0, 0, 1000, 1];
        var corruption = new TokenReplacement(4, sampling: TokenSampling.Unigram, unigramCounts: counts, centreOnly: true);
        using var windows = full([50, 1], 2L);
        using var g = new Generator(2);
        using var bad = corruption.Corrupt(windows, g);
        bad.eq(3).all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void Bad_input_gets_clear_errors()
    {
        FluentActions.Invoking(() => new TokenReplacement(3)).Should().Throw<ArgumentException>().WithMessage("*at least 2 regular tokens*");
        FluentActions.Invoking(() => new TokenReplacement(10, count: 0)).Should().Throw<ArgumentException>().WithMessage("*at least 1*");
        FluentActions.Invoking(() => new TokenReplacement(10, sampling: TokenSampling.Unigram)).Should().Throw<ArgumentException>().WithMessage("*one count per vocabulary token*");
        using var floats = zeros([2, 3]);
        using var g = new Generator(1);
        FluentActions.Invoking(() => new TokenReplacement(10).Corrupt(floats, g)).Should().Throw<ArgumentException>().WithMessage("*int64*Float32*");
    }
}
