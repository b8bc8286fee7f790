using Pretrain.Auxiliary.Text;

namespace Pretrain.Auxiliary.Tests.Text;

public sealed class TfIdfFeaturesTests
{
    private static readonly IReadOnlyList<IReadOnlyList<string>> Training = [["cat", "dog", "cat"], ["dog", "cpu"], ["cpu", "disk"]];

    private static Vocabulary Words() => Vocabulary.Build(Training, maxSize: 100);

    [Fact]
    public void Rows_hold_log_counts_times_smoothed_idf_scaled_to_unit_length()
    {
        var vocabulary = Words();
        var features = TfIdfFeatures.Fit(vocabulary, Training);
        using var rows = features.Transform([["cat", "cat", "dog"]]);
        var values = rows.data<float>().ToArray();

        // idf = ln((1 + 3) / (1 + df)) + 1: cat appears in 1 training document, dog in 2.
        var cat = Math.Log(2 + 1) * (Math.Log(4.0 / 2) + 1);
        var dog = Math.Log(1 + 1) * (Math.Log(4.0 / 3) + 1);
        var norm = Math.Sqrt(cat * cat + dog * dog);
        values[vocabulary.IdOf("cat")].Should().BeApproximately((float)(cat / norm), 1e-6f);
        values[vocabulary.IdOf("dog")].Should().BeApproximately((float)(dog / norm), 1e-6f);
        values.Where((_, i) => i != vocabulary.IdOf("cat") && i != vocabulary.IdOf("dog")).Should().OnlyContain(v => v == 0);
    }

    [Fact]
    public void Unknown_words_and_padding_carry_no_weight_and_an_empty_document_is_a_zero_row()
    {
        var vocabulary = Words();
        using var rows = TfIdfFeatures.Fit(vocabulary, Training).Transform([["unseen", "words"], []]);
        rows.shape.Should().Equal(2, vocabulary.Count);
        rows.abs().sum().item<float>().Should().Be(0);
    }
}
