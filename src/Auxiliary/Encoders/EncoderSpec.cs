using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Validation;

namespace Pretrain.Auxiliary.Encoders;

/// <summary>
/// The shape of an auxiliary-task encoder: dense hidden layers on feature vectors (optionally convolutional blocks on
/// them as images first), or, for text, an embedding of each token of a fixed-length window, concatenated and fed to
/// the same dense layers.
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

    /// <summary>
    /// Convolutional blocks on the input seen as images of <see cref="ImageShape"/>, below the dense layers (which may
    /// then be none). Default none.
    /// </summary>
    public IReadOnlyList<Pretrain.FineTuning.Networks.ConvLayerSpec> Convolutions { get; init; } = [];

    /// <summary>One instance as an image <c>[C, H, W]</c> (its product is <see cref="Inputs"/>); needed with <see cref="Convolutions"/>.</summary>
    public IReadOnlyList<long>? ImageShape { get; init; }

    /// <summary>
    /// Batch normalization of every layer's pre-activations (per channel of a block, per unit of a dense layer) with
    /// the batch's statistics, as SimCLR's encoders have; folded into the layers when the encoder becomes a stack
    /// (<see cref="AuxiliaryEncoder.ToStack"/>). Default false.
    /// </summary>
    public bool BatchNorm { get; init; }

    /// <summary>True when the encoder reads token ids through an embedding.</summary>
    public bool IsText => VocabularySize is not null;

    /// <summary>Shape of one instance after each convolutional block, <c>[C', H', W']</c>, lowest first.</summary>
    public IReadOnlyList<long[]> ConvolutionShapes()
    {
        var shapes = new List<long[]>();
        IReadOnlyList<long> shape = ImageShape ?? [];
        foreach (var block in Convolutions)
        {
            shape = block.Geometry.OutputShape(shape, block.Channels);
            shapes.Add(shape.ToArray());
        }
        return shapes;
    }

    /// <summary>Width of the first dense layer's input: the flattened maps of the last block, the concatenated embeddings, or the features.</summary>
    public int DenseInputs => Convolutions.Count > 0 ? (int)ConvolutionShapes()[^1].Aggregate(1L, (a, b) => a * b) : IsText ? Inputs * EmbeddingSize : Inputs;

    /// <summary>Width of the encoder's output.</summary>
    public int OutputSize => HiddenLayers.Count == 0 ? DenseInputs : HiddenLayers[^1];

    /// <summary>Every value that cannot build an encoder, each with its field's path (e.g. <c>hiddenLayers[1]</c>).</summary>
    public IEnumerable<OptionProblem> Problems()
    {
        if (Inputs < 1)
            yield return new("inputs", $"expected a positive integer, received {Inputs}.");
        if (HiddenLayers.Count == 0 && Convolutions.Count == 0)
            yield return new("hiddenLayers", "expected at least one layer width.");
        foreach (var problem in ConvolutionProblems())
            yield return problem;
        for (var i = 0; i < HiddenLayers.Count; i++)
            if (HiddenLayers[i] < 1)
                yield return new($"hiddenLayers[{i}]", $"expected a positive integer, received {HiddenLayers[i]}.");
        if (VocabularySize is < 3)
            yield return new("vocabularySize", $"expected at least 3 tokens (padding, unknown and a word), received {VocabularySize}.");
        if (IsText && EmbeddingSize < 1)
            yield return new("embeddingSize", $"expected a positive integer, received {EmbeddingSize}.");
    }

    private IEnumerable<OptionProblem> ConvolutionProblems()
    {
        if (Convolutions.Count == 0)
            yield break;
        if (IsText)
            yield return new("convolutions", "a text encoder has no image to convolve; remove the convolutions.");
        else if (ImageShape is not { Count: 3 } image || image.Any(d => d <= 0) || image.Aggregate(1L, (a, b) => a * b) != Inputs)
            yield return new("imageShape", $"expected [C, H, W] holding the {Inputs} inputs, received [{string.Join(", ", ImageShape ?? [])}].");
        else
        {
            IReadOnlyList<long> shape = image;
            for (var i = 0; i < Convolutions.Count; i++)
            {
                var (channels, geometry) = (Convolutions[i].Channels, Convolutions[i].Geometry);
                if (channels < 1)
                    yield return new($"convolutions[{i}].channels", $"expected a positive integer, received {channels}.");
                if (geometry.Misfit(shape[1], shape[2]) is { } why)
                {
                    yield return new($"convolutions[{i}]", $"{why} (after block {i}: {string.Join("x", shape)}).");
                    yield break;
                }
                shape = geometry.OutputShape(shape, Math.Max(channels, 1));
            }
        }
    }

    /// <summary>Throws <see cref="InvalidOptionsException"/> listing every problem when the spec cannot build an encoder.</summary>
    public void Validate() => this.ThrowIfInvalid("encoder");
}
