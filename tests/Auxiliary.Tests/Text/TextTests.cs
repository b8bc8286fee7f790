using Pretrain.Auxiliary.Text;
using Pretrain.Pretraining;
using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Tests.Text;

public sealed class TextTests
{
    [Fact]
    public void Tokenizer_keeps_words_and_inner_apostrophes_and_folds_case_when_asked()
    {
        new WordTokenizer().Tokenize("Don't PANIC -- it's 42, o'clock!").Should().Equal("don't", "panic", "it's", "42", "o'clock");
        new WordTokenizer(lowercase: false).Tokenize("The cat").Should().Equal("The", "cat");
    }

    [Fact]
    public void Vocabulary_orders_by_count_caps_its_size_and_maps_the_rest_to_unknown()
    {
        var documents = new[] { new[] { "b", "a", "a", "c", "a" }, new[] { "b", "d" } };
        var vocabulary = Vocabulary.Build(documents, maxSize: 4, minCount: 1);
        vocabulary.Count.Should().Be(4);
        vocabulary.TokenOf(0).Should().Be("<pad>");
        vocabulary.TokenOf(1).Should().Be("<unk>");
        vocabulary.IdOf("a").Should().Be(2);
        vocabulary.IdOf("b").Should().Be(3);
        vocabulary.IdOf("c").Should().Be(Vocabulary.UnknownId);
        vocabulary.Counts.Should().Equal(0, 2, 3, 2);
        Vocabulary.Build(documents, maxSize: 100, minCount: 2).Count.Should().Be(4, "only a and b are seen twice");
    }

    [Fact]
    public void Vocabulary_round_trips_through_its_file_and_bad_files_are_named()
    {
        var folder = Directory.CreateTempSubdirectory("vocab").FullName;
        try
        {
            var vocabulary = Vocabulary.Build([["x", "y", "y", "z"]], 10, lowercase: false);
            var path = Path.Combine(folder, "vocabulary.json");
            vocabulary.Save(path);
            var loaded = Vocabulary.Load(path);
            loaded.Count.Should().Be(vocabulary.Count);
            loaded.Lowercase.Should().BeFalse();
            loaded.IdOf("y").Should().Be(vocabulary.IdOf("y"));
            loaded.Counts.Should().Equal(vocabulary.Counts);

            var bad = Path.Combine(folder, "bad.json");
            File.WriteAllText(bad, """{"lowercase": true, "tokens": ["a", "b", "c"], "counts": [1, 2, 3]}""");
            FluentActions.Invoking(() => Vocabulary.Load(bad)).Should().Throw<PretrainException>().WithMessage($"*bad.json*<pad>*");
            File.WriteAllText(bad, "not json");
            FluentActions.Invoking(() => Vocabulary.Load(bad)).Should().Throw<PretrainException>().WithMessage("*bad.json*not a vocabulary*");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Centred_windows_pad_past_the_ends_of_each_document()
    {
        using var windows = TextWindows.Centred([[5, 6, 7], [8]], length: 3);
        windows.shape.Should().Equal(4, 3);
        windows.data<long>().ToArray().Should().Equal(0, 5, 6, /**/ 5, 6, 7, /**/ 6, 7, 0, /**/ 0, 8, 0);
        FluentActions.Invoking(() => TextWindows.Centred([[1]], 4)).Should().Throw<ArgumentException>().WithMessage("*odd*");
    }

    [Fact]
    public void Padded_sentences_are_cut_or_padded_to_length()
    {
        using var padded = TextWindows.Padded([[2, 3, 4, 5], [6]], 3);
        padded.data<long>().ToArray().Should().Equal(2, 3, 4, 6, 0, 0);
    }

    [Fact]
    public void Nearest_words_rank_by_cosine_similarity_and_skip_special_tokens()
    {
        var vocabulary = Vocabulary.Build([["cat", "dog", "car", "cat", "dog", "car", "bus"]], 10);
        var table = zeros([vocabulary.Count, 2]);
        table[vocabulary.IdOf("cat")] = tensor(new[] { 1f, 0f });
        table[vocabulary.IdOf("dog")] = tensor(new[] { 0.9f, 0.1f });
        table[vocabulary.IdOf("car")] = tensor(new[] { 0f, 1f });
        table[vocabulary.IdOf("bus")] = tensor(new[] { 0.1f, 0.9f });
        table[Vocabulary.UnknownId] = tensor(new[] { 1f, 0f });
        var nearest = NearestWords.Of("cat", vocabulary, table, 2);
        nearest.Select(n => n.Word).Should().Equal("dog", "bus");
        nearest[0].Similarity.Should().BeGreaterThan(0.99);
    }
}
