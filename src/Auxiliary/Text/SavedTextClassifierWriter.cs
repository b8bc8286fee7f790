using System.Text.Json;
using Pretrain.FineTuning.Models;
using Pretrain.Pretraining.IO;

namespace Pretrain.Auxiliary.Text;

/// <summary>
/// Saves a trained <see cref="DocumentClassifier"/> as a self-contained text model that
/// <see cref="SavedTextClassifier.Load"/> (and <c>PretrainedModel.Load</c>, <c>pretrain predict</c>) use anywhere: the
/// weights <c>NAME.safetensors</c> first, then the vocabulary <c>NAME.vocabulary.json</c>, then the manifest
/// <c>NAME.json</c> (<see cref="TextNetworkManifest"/>), each atomically, so a crash leaves either no manifest or one
/// that matches both files.
/// </summary>
public static class SavedTextClassifierWriter
{
    /// <summary>
    /// Writes <paramref name="classifier"/> to <paramref name="weightsPath"/> (a <c>.safetensors</c> path), its
    /// vocabulary and its manifest next to it; returns the manifest's path.
    /// </summary>
    /// <param name="classifier">The trained classifier.</param>
    /// <param name="vocabulary">The vocabulary its documents were encoded with (its <see cref="Vocabulary.Lowercase"/> is the tokenizer's).</param>
    /// <param name="maxWords">The number of words documents were cut to in training.</param>
    /// <param name="classNames">One name per class, in logit order.</param>
    /// <param name="weightsPath">Where the weights go.</param>
    public static string Save(DocumentClassifier classifier, Vocabulary vocabulary, int maxWords, IReadOnlyList<string> classNames, string weightsPath)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentNullException.ThrowIfNull(weightsPath);
        var spec = classifier.Encoder.Spec;
        if (spec.VocabularySize != vocabulary.Count)
            throw new ArgumentException($"saved text model: the encoder embeds {spec.VocabularySize} tokens but the vocabulary has {vocabulary.Count}.", nameof(vocabulary));
        if (classNames.Count != classifier.HeadBias.shape[0])
            throw new ArgumentException($"saved text model: the classifier has {classifier.HeadBias.shape[0]} classes but {classNames.Count} names were given.", nameof(classNames));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxWords);

        SafeTensorsFile.Write(weightsPath, classifier.State, new Dictionary<string, string> { ["layout"] = "out,in", ["writer"] = "Pretrain" });
        var vocabularyPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(weightsPath))!, TextNetworkManifest.VocabularyFileFor(weightsPath));
        vocabulary.Save(vocabularyPath);
        var manifest = new TextNetworkManifest
        {
            Architecture = new TextNetworkArchitecture
            {
                Window = spec.Inputs, VocabularySize = vocabulary.Count, EmbeddingSize = spec.EmbeddingSize,
                HiddenLayers = spec.HiddenLayers.ToArray(), Activation = spec.Activation,
                Pooling = SavedTextClassifier.PoolingName(classifier.Pooling), ClassCount = classNames.Count,
                WordWeights = classifier.WordWeights is not null,
            },
            Input = new TextNetworkInput("text", "words", vocabulary.Lowercase, maxWords, Vocabulary.PaddingId, Vocabulary.UnknownId),
            Vocabulary = new NetworkVocabulary(Path.GetFileName(vocabularyPath), FileChecksum.Sha256(vocabularyPath)),
            Classes = classNames.ToArray(),
            Weights = new NetworkWeights(Path.GetFileName(weightsPath), FileChecksum.Sha256(weightsPath)),
            Created = DateTimeOffset.UtcNow,
            WrittenBy = $"Pretrain {typeof(SavedTextClassifierWriter).Assembly.GetName().Version}",
        };
        var manifestPath = Path.ChangeExtension(weightsPath, ".json");
        AtomicFile.WriteAllText(manifestPath, JsonSerializer.Serialize(manifest, TextNetworkManifest.SerializerOptions));
        return manifestPath;
    }
}
