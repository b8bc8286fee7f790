namespace Pretrain.FineTuning.Networks;

/// <summary>
/// A feed-forward classifier: <see cref="InputFeatures"/> inputs, optionally <see cref="Convolutions"/> on them as
/// images of <see cref="ImageShape"/> (then flattened), the dense hidden layers in order, then a linear head with one
/// logit per class. Without convolutions it is a multilayer perceptron.
/// </summary>
/// <param name="InputFeatures">Number of input features D.</param>
/// <param name="HiddenLayers">Units per hidden layer, lowest first. Empty means softmax regression.</param>
/// <param name="ClassCount">Number of classes (logits) of the head.</param>
/// <param name="Activation">Nonlinearity after each hidden layer.</param>
/// <param name="Dropout">Dropout probability after each hidden activation (0 = none).</param>
public sealed record MlpSpec(int InputFeatures, IReadOnlyList<int> HiddenLayers, int ClassCount, ActivationKind Activation, double Dropout = 0)
{
    /// <summary>Batch normalization between each hidden linear layer and its activation. Default false.</summary>
    public bool BatchNorm { get; init; }

    /// <summary>Slope of leaky ReLU / ELU alpha / PReLU's starting slope; null for each one's default.</summary>
    public double? ActivationAlpha { get; init; }

    /// <summary>
    /// Convolutional blocks below the dense hidden layers, lowest first (they are <c>hidden1..hiddenC</c>, the dense
    /// layers follow on from there). Empty (default) for a multilayer perceptron; needs <see cref="ImageShape"/>.
    /// </summary>
    public IReadOnlyList<ConvLayerSpec> Convolutions { get; init; } = [];

    /// <summary>One input example as an image <c>[C, H, W]</c> (its product is <see cref="InputFeatures"/>); null without convolutions.</summary>
    public IReadOnlyList<long>? ImageShape { get; init; }

    /// <summary>Names of the layers in order, as they appear in the module and in saved weights.</summary>
    public IEnumerable<string> LayerNames =>
        Enumerable.Range(1, Convolutions.Count + HiddenLayers.Count).Select(i => $"hidden{i}").Append("head");

    /// <summary>
    /// The shape of one example after each convolutional block (<c>[C', H', W']</c>), lowest first; throws an
    /// <see cref="ArgumentException"/> naming the block when a kernel or pooling window does not fit.
    /// </summary>
    public IReadOnlyList<long[]> ConvolutionShapes()
    {
        if (Convolutions.Count == 0)
            return [];
        if (ImageShape is not { Count: 3 } image || image.Aggregate(1L, (a, b) => a * b) != InputFeatures)
            throw new ArgumentException($"convolutions need an image shape [C, H, W] holding the {InputFeatures} input features; received [{string.Join(", ", ImageShape ?? [])}].");
        var shapes = new List<long[]>();
        IReadOnlyList<long> shape = image;
        for (var i = 0; i < Convolutions.Count; i++)
        {
            var geometry = Convolutions[i].Geometry;
            if (geometry.Misfit(shape[1], shape[2]) is { } why)
                throw new ArgumentException($"hidden{i + 1}: {why}.");
            shape = geometry.OutputShape(shape, Convolutions[i].Channels);
            shapes.Add(shape.ToArray());
        }
        return shapes;
    }

    /// <summary>Inputs of the first dense layer (or the head): the flattened output of the last convolution, else <see cref="InputFeatures"/>.</summary>
    public int DenseInputFeatures => ConvolutionShapes() is { Count: > 0 } shapes ? (int)shapes[^1].Aggregate(1L, (a, b) => a * b) : InputFeatures;
}
