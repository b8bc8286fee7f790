using static TorchSharp.torch;

namespace Pretrain.Pretraining.Layers;

/// <summary>The nonlinearity of a pretrained encoder, saved in the stack manifest.</summary>
public enum EncoderActivation
{
    /// <summary>Logistic sigmoid: autoencoders on [0,1] data and RBM hidden probabilities.</summary>
    Sigmoid,
    /// <summary>Hyperbolic tangent.</summary>
    Tanh,
    /// <summary>Rectified linear unit.</summary>
    Relu,
    /// <summary>No nonlinearity (a linear encoder).</summary>
    Linear,
}

/// <summary>Applies an <see cref="EncoderActivation"/>.</summary>
public static class EncoderActivations
{
    /// <summary>A new tensor: <paramref name="activation"/> applied to <paramref name="preActivation"/>.</summary>
    public static Tensor Apply(this EncoderActivation activation, Tensor preActivation)
    {
        ArgumentNullException.ThrowIfNull(preActivation);
        return activation switch
        {
            EncoderActivation.Sigmoid => preActivation.sigmoid(),
            EncoderActivation.Tanh => preActivation.tanh(),
            EncoderActivation.Relu => preActivation.relu(),
            EncoderActivation.Linear => preActivation.alias(),
            _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "unknown activation"),
        };
    }
}
