using Pretrain.Auxiliary.Encoders;
using Pretrain.Auxiliary.Text;
using Pretrain.Pretraining.Layers;
using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Tests.Text;

/// <summary>Saves a small text model (a tiny vocabulary, random weights) for the saved-text-model tests.</summary>
internal static class SavedTextFiles
{
    public static readonly string[] Classes = ["animals", "machines"];

    /// <summary>Builds the vocabulary of a few animal and machine words (lower-cased) and a classifier over it with random weights.</summary>
    public static (DocumentClassifier Classifier, Vocabulary Vocabulary) Create(DocumentPooling pooling = DocumentPooling.Windows, ulong seed = 4, bool weighted = false)
    {
        var tokenizer = new WordTokenizer();
        var vocabulary = Vocabulary.Build(
            new[] { "the cat and the dog", "a horse, a cow", "the disk and the cpu", "a kernel, a cable" }.Select(tokenizer.Tokenize), maxSize: 50);
        using var generator = new Generator(seed);
        var spec = new EncoderSpec { Inputs = 3, VocabularySize = vocabulary.Count, EmbeddingSize = 4, HiddenLayers = [5], Activation = EncoderActivation.Tanh };
        using var weights = weighted ? WordWeights.Frequency(vocabulary, smoothing: 0.05) : null;
        var classifier = new DocumentClassifier(new AuxiliaryEncoder(spec, CPU, generator), Classes.Length, CPU, generator, pooling, weights);
        using (no_grad())
            classifier.HeadBias.copy_(tensor(new[] { 0.3f, -0.2f }));
        return (classifier, vocabulary);
    }

    /// <summary>Creates a model and saves it as <paramref name="folder"/>/network.* with documents cut to <paramref name="maxWords"/>; returns it.</summary>
    public static (DocumentClassifier Classifier, Vocabulary Vocabulary) Save(string folder, DocumentPooling pooling = DocumentPooling.Windows, int maxWords = 6, bool weighted = false)
    {
        var (classifier, vocabulary) = Create(pooling, weighted: weighted);
        SavedTextClassifierWriter.Save(classifier, vocabulary, maxWords, Classes, Path.Combine(folder, "network.safetensors"));
        return (classifier, vocabulary);
    }

    /// <summary>What the classifier computes for <paramref name="documents"/> when they are encoded as the text stage encodes them.</summary>
    public static Tensor Probabilities(DocumentClassifier classifier, Vocabulary vocabulary, IEnumerable<string> documents, int maxWords)
    {
        var tokenizer = new WordTokenizer(vocabulary.Lowercase);
        using var ids = TextWindows.Padded(documents.Select(d => (IReadOnlyList<int>)vocabulary.Encode(tokenizer.Tokenize(d))).ToList(), maxWords);
        using var _ = no_grad();
        using var logits = classifier.Forward(ids);
        return nn.functional.softmax(logits, 1);
    }
}
