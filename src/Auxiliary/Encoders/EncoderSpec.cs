using Pretrain.Pretraining.Layers;

namespace Pretrain.Auxiliary.Encoders;

/// <summary>
/// The shape of an auxiliary-task encoder: dense hidden layers on feature vectors, or, for text, an embedding of
/// each token of a fixed-length window, concatenated and fed to the same dense layers.
/// </summary>
public sealed record EncoderSpec
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

    /// <summary>Throws with the offending field named when the spec cannot build an encoder.</summary>
    public void Validate()
    {
        if (Inputs < 1)
            throw new ArgumentException($"encoder: inputs must be positive, received {Inputs}.");
        if (HiddenLayers.Count == 0)
            throw new ArgumentException("encoder: hiddenLayers must list at least one layer width.");
        if (HiddenLayers.Any(w => w < 1))
            throw new ArgumentException($"encoder: every hidden layer width must be positive, received [{string.Join(", ", HiddenLayers)}].");
        if (VocabularySize is < 3)
            throw new ArgumentException($"encoder: the vocabulary must hold at least 3 tokens, received {VocabularySize}.");
        if (IsText && EmbeddingSize < 1)
            throw new ArgumentException($"encoder: embeddingSize must be positive, received {EmbeddingSize}.");
    }
}
