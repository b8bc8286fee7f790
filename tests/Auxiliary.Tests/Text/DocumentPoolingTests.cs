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
}
