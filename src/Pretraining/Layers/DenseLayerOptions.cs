using Pretrain.Pretraining.Validation;

namespace Pretrain.Pretraining.Layers;

/// <summary>
/// Settings shared by fully connected layers (autoencoders, RBMs): every hidden unit sees every input value, so inputs
/// of any shape are read flat (<c>C*H*W</c> values above a convolutional layer).
/// </summary>
public abstract record DenseLayerOptions : LayerOptions
{
    /// <summary>Hidden units (the layer's output width). Required.</summary>
    public required int HiddenUnits { get; init; }

    /// <summary>
    /// The output shape <c>[HiddenUnits]</c> of a <paramref name="kind"/> layer with these settings on examples of
    /// <paramref name="inputShape"/>; throws <see cref="PretrainException"/> listing every problem otherwise.
    /// </summary>
    public IReadOnlyList<long> OutputShape(string kind, IReadOnlyList<long> inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        var problems = Problems().ToList();
        var width = SampleShapes.Size(inputShape);
        if (width <= 0 || width > int.MaxValue)
            problems.Add(new("input", $"expected a positive width, received {width} ({SampleShapes.Format(inputShape)})."));
        OptionValidation.ThrowIfAny($"{kind} layer", problems);
        return [HiddenUnits];
    }
}
