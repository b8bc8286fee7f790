using Pretrain.Auxiliary.Encoders;
using Pretrain.Auxiliary.Text;
using Pretrain.Pretraining.Layers;
using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Tests.Text;

public sealed class DocumentPoolingTests
{
    private static DocumentClassifier Classifier(DocumentPooling pooling)
    {
        using var generator = new Generator(4);
        var spec = new EncoderSpec { Inputs = 3, VocabularySize = 12, EmbeddingSize = 4, HiddenLayers = [5], Activation = EncoderActivation.Tanh };
        return new DocumentClassifier(new AuxiliaryEncoder(spec, CPU, generator), 3, CPU, generator, pooling);
    }

    [Theory]
    [InlineData(DocumentPooling.Words)]
    [InlineData(DocumentPooling.Windows)]
    [InlineData(DocumentPooling.MaxWindows)]
    public void Extra_padding_after_a_document_does_not_change_its_logits(DocumentPooling pooling)
    {
        using var classifier = Classifier(pooling);
        using var _ = no_grad();
        using var shortForm = classifier.Forward(tensor(new long[] { 2, 5, 7, 3 }).unsqueeze(0));
        using var padded = classifier.Forward(tensor(new long[] { 2, 5, 7, 3, 0, 0, 0 }).unsqueeze(0));
        padded.allclose(shortForm, rtol: 1e-5, atol: 1e-6).Should().BeTrue();
    }

    [Fact]
    public void Max_pooling_takes_for_each_feature_the_largest_window_output_of_the_document()
    {
        using var classifier = Classifier(DocumentPooling.MaxWindows);
        using var _ = no_grad();
        var document = new long[] { 2, 5, 7, 3 };
        // The encoder's output for each centred window, padding outside the document, then the per-feature maximum.
        using var windows = tensor(new long[] { 0, 2, 5, 2, 5, 7, 5, 7, 3, 7, 3, 0 }).view(4, 3);
        using var expected = nn.functional.linear(classifier.Encoder.Forward(windows).amax(0), classifier.HeadWeight, classifier.HeadBias);
        using var logits = classifier.Forward(tensor(document).unsqueeze(0));
        logits.squeeze(0).allclose(expected, rtol: 1e-5, atol: 1e-6).Should().BeTrue();
    }

    [Fact]
    public void Weighted_word_pooling_is_the_weighted_mean_of_the_embeddings_and_frequent_words_weigh_less()
    {
        using var generator = new Generator(4);
        var spec = new EncoderSpec { Inputs = 3, VocabularySize = 12, EmbeddingSize = 4, HiddenLayers = [5], Activation = EncoderActivation.Tanh };
        using var weights = tensor(new[] { 0f, 1, 0.5f, 2, 1, 1, 0.25f, 1, 1, 1, 1, 1 });
        using var classifier = new DocumentClassifier(new AuxiliaryEncoder(spec, CPU, generator), 3, CPU, generator, DocumentPooling.Words, weights);
        using var _ = no_grad();

        using var features = classifier.Features(tensor(new long[] { 2, 3, 6, 0, 0 }).unsqueeze(0));

        var embedding = classifier.Encoder.Embedding!;
        using var expected = (embedding[2] * 0.5f + embedding[3] * 2f + embedding[6] * 0.25f) / 2.75f;
        features.squeeze(0).allclose(expected, rtol: 1e-5, atol: 1e-6).Should().BeTrue();

        var vocabulary = Vocabulary.Build([["the", "the", "the", "the", "cat", "the", "dog"]], 10, minCount: 1);
        using var frequency = WordWeights.Frequency(vocabulary, smoothing: 0.1);
        var w = frequency.data<float>().ToArray();
        w[Vocabulary.PaddingId].Should().Be(0);
        w[vocabulary.IdOf("the")].Should().BeApproximately((float)(0.1 / (0.1 + 5 / 7.0)), 1e-6f);
        w[vocabulary.IdOf("the")].Should().BeLessThan(w[vocabulary.IdOf("cat")], "the frequent word counts less");
        FluentActions.Invoking(() => new DocumentClassifier(classifier.Encoder.Clone(), 3, CPU, generator, DocumentPooling.Words, ones(5)))
            .Should().Throw<ArgumentException>().WithMessage("*one word weight per token (12)*[5]*");
    }
}
