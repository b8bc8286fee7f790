using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Validation;

namespace Pretrain.Auxiliary.Encoders;

/// <summary>
/// The shape of an auxiliary-task encoder: dense hidden layers on feature vectors, or, for text, an embedding of
/// each token of a fixed-length window, concatenated and fed to the same dense layers.
/// </summary>
public sealed record EncoderSpec : IValidatedOptions
{
    /// <summary>Input features per instance (dense input), or window length in tokens (text input).</summary>
    public required int Inputs { get; init; }

    /// <summary>Width of each hidden layer, lowest first.</summary>
    public required IReadOnlyList<int> HiddenLayers { get; init; }

    /// <summary>Hidden-unit nonlinearity.</summary>
    public EncoderActivation Activation { get; init; } = EncoderActivation.Sigmoid;

    /// <summary>Vocabulary size for text input; null for dense input.</summary>
    public int? VocabularySize { get; init; }

    /// <summary>Embedding width per token (text input only).</summary>
    public int EmbeddingSize { get; init; } = 50;

    /// <summary>True when the encoder reads token ids through an embedding.</summary>
    public bool IsText => VocabularySize is not null;

    /// <summary>Width of the first dense layer's input.</summary>
    public int DenseInputs => IsText ? Inputs * EmbeddingSize : Inputs;

    /// <summary>Width of the encoder's output.</summary>
    public int OutputSize => HiddenLayers.Count == 0 ? DenseInputs : HiddenLayers[^1];

    /// <summary>Every value that cannot build an encoder, each with its field's path (e.g. <c>hiddenLayers[1]</c>).</summary>
    public IEnumerable<OptionProblem> Problems()
    {
        if (Inputs < 1)
            yield return new("inputs", $"expected a positive integer, received {Inputs}.");
        if (HiddenLayers.Count == 0)
            yield return new("hiddenLayers", "expected at least one layer width.");
        for (var i = 0; i < HiddenLayers.Count; i++)
            if (HiddenLayers[i] < 1)
                yield return new($"hiddenLayers[{i}]", $"expected a positive integer, received {HiddenLayers[i]}.");
        if (VocabularySize is < 3)
            yield return new("vocabularySize", $"expected at least 3 tokens (padding, unknown and a word), received {VocabularySize}.");
        if (IsText && EmbeddingSize < 1)
            yield return new("embeddingSize", $"expected a positive integer, received {EmbeddingSize}.");
    }

    /// <summary>Throws <see cref="InvalidOptionsException"/> listing every problem when the spec cannot build an encoder.</summary>
    public void Validate() => this.ThrowIfInvalid("encoder");
}
