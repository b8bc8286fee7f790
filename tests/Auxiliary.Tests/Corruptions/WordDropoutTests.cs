using Pretrain.Auxiliary.Corruptions;
using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Tests.Corruptions;

public sealed class WordDropoutTests
{
    private static Tensor Documents() => tensor(new long[,]
    {
        { 2, 3, 4, 5, 6, 7, 8, 9 },
        { 9, 8, 7, 0, 0, 0, 0, 0 },
        { 5, 0, 0, 0, 0, 0, 0, 0 },
        { 0, 0, 0, 0, 0, 0, 0, 0 },
    });

    [Fact]
    public void Drops_only_real_words_to_padding_keeps_one_word_per_document_and_reorders_nothing()
    {
        using var documents = Documents();
        var dropout = new WordDropout(0.9);
        var before = documents.data<long>().ToArray();
        for (ulong seed = 0; seed < 30; seed++)
        {
            using var g = new Generator(seed);
            using var view = dropout.Corrupt(documents, g);
            var after = view.data<long>().ToArray();
            view.shape.Should().Equal(documents.shape);
            for (var i = 0; i < before.Length; i++)
                after[i].Should().BeOneOf([before[i], 0], "a word stays where it was or becomes padding");
            for (var row = 0; row < 3; row++)
                after.Skip(row * 8).Take(8).Count(t => t != 0).Should().BeGreaterThanOrEqualTo(1, "row {0} is not empty", row);
            after.Skip(24).Should().OnlyContain(t => t == 0, "an empty document stays empty");
        }
    }

    [Fact]
    public void Drops_about_the_given_share_of_words_and_repeats_with_the_same_seed()
    {
        using var documents = randint(2, 50, [400, 30], dtype: ScalarType.Int64, generator: new Generator(3));
        var dropout = new WordDropout(0.3);
        using var g1 = new Generator(7);
        using var g2 = new Generator(7);
        using var a = dropout.Corrupt(documents, g1);
        using var b = dropout.Corrupt(documents, g2);
        a.equal(b).all().item<bool>().Should().BeTrue("the same seed gives the same view");
        var dropped = (a == 0).to(ScalarType.Float32).mean().item<float>();
        dropped.Should().BeApproximately(0.3f, 0.02f);
        new WordDropout(0).Corrupt(documents, g1).equal(documents).all().item<bool>().Should().BeTrue("probability 0 keeps every word");
    }

    [Fact]
    public void Disjoint_views_split_each_documents_words_between_them_and_leave_neither_empty()
    {
        using var documents = Documents();
        var dropout = new WordDropout(0.5, disjoint: true);
        var before = documents.data<long>().ToArray();
        for (ulong seed = 0; seed < 30; seed++)
        {
            using var g = new Generator(seed);
            var (first, second) = dropout.Views(documents, g);
            var (a, b) = (first.data<long>().ToArray(), second.data<long>().ToArray());
            for (var row = 0; row < 4; row++)
            {
                var real = Enumerable.Range(row * 8, 8).Where(i => before[i] != 0).ToList();
                if (real.Count >= 2)
                    real.Should().OnlyContain(i => (a[i] == before[i]) != (b[i] == before[i]), "row {0}: each word is in exactly one view", row);
                else if (real.Count == 1)
                    (a[real[0]], b[real[0]]).Should().Be((before[real[0]], before[real[0]]), "a one-word document gives its word to both views");
                if (real.Count > 0)
                {
                    real.Should().Contain(i => a[i] != 0, "row {0}'s first view is not empty", row);
                    real.Should().Contain(i => b[i] != 0, "row {0}'s second view is not empty", row);
                }
            }
            a.Zip(before).Should().OnlyContain(p => p.First == p.Second || p.First == 0);
            b.Zip(before).Should().OnlyContain(p => p.First == p.Second || p.First == 0);
        }
    }

    [Fact]
    public void Bad_probabilities_and_inputs_are_refused_with_what_was_expected()
    {
        FluentActions.Invoking(() => new WordDropout(1)).Should().Throw<ArgumentException>().WithMessage("*[0, 1)*received 1*");
        using var floats = zeros(2, 3);
        using var g = new Generator(1);
        FluentActions.Invoking(() => new WordDropout(0.5).Corrupt(floats, g)).Should().Throw<ArgumentException>().WithMessage("*int64 [documents, length]*Float32*");
    }
}
