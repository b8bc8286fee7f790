using System.Text.Json.Serialization;
using Pretrain.Pretraining.Layers.Autoencoders;
using Pretrain.Pretraining.Layers.Rbm;
using Pretrain.Pretraining.Validation;

namespace Pretrain.Pretraining.Layers;

/// <summary>
/// Settings of one pretrainable layer; the JSON field <c>kind</c> chooses the method (<c>autoencoder</c> or <c>rbm</c>).
/// Recipes bind to these records directly, so their defaults are the only ones.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(AutoencoderOptions), "autoencoder")]
[JsonDerivedType(typeof(RbmOptions), "rbm")]
public abstract record LayerOptions : IValidatedOptions
{
    /// <summary>Hidden units (the layer's output width). Required.</summary>
    public required int HiddenUnits { get; init; }

    /// <summary>A trainer for a layer with these settings.</summary>
    public abstract ILayerTrainer CreateTrainer();

    /// <summary>Every problem with these settings, each with its field's path (e.g. <c>hiddenUnits</c>).</summary>
    public abstract IEnumerable<OptionProblem> Problems();

    /// <summary>
    /// The output width of a <paramref name="kind"/> layer with these settings on inputs of width
    /// <paramref name="inputSize"/>; throws <see cref="PretrainException"/> listing every problem otherwise.
    /// </summary>
    public int OutputWidth(string kind, int inputSize)
    {
        var problems = Problems().ToList();
        if (inputSize <= 0)
            problems.Add(new("input", $"expected a positive width, received {inputSize}."));
        OptionValidation.ThrowIfAny($"{kind} layer", problems);
        return HiddenUnits;
    }
}
