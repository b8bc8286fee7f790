using System.Text.Json.Serialization;
using Pretrain.Pretraining.Layers.Autoencoders;
using Pretrain.Pretraining.Layers.ConvAutoencoders;
using Pretrain.Pretraining.Layers.ConvRbm;
using Pretrain.Pretraining.Layers.Rbm;
using Pretrain.Pretraining.Validation;

namespace Pretrain.Pretraining.Layers;

/// <summary>
/// Settings of one pretrainable layer; the JSON field <c>kind</c> chooses the method (<c>autoencoder</c>, <c>rbm</c>,
/// <c>convAutoencoder</c> or <c>convRbm</c>). Recipes bind to these records directly, so their defaults are the only ones.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(AutoencoderOptions), "autoencoder")]
[JsonDerivedType(typeof(RbmOptions), "rbm")]
[JsonDerivedType(typeof(ConvAutoencoderOptions), "convAutoencoder")]
[JsonDerivedType(typeof(ConvRbmOptions), "convRbm")]
public abstract record LayerOptions : IValidatedOptions
{
    /// <summary>A trainer for a layer with these settings.</summary>
    public abstract ILayerTrainer CreateTrainer();

    /// <summary>Every problem with these settings, each with its field's path (e.g. <c>hiddenUnits</c>).</summary>
    public abstract IEnumerable<OptionProblem> Problems();
}
