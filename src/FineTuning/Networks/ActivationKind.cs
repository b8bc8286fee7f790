using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Networks;

/// <summary>Hidden-unit nonlinearities a recipe can name.</summary>
public enum ActivationKind
{
    /// <summary>Logistic sigmoid, the classic choice for pretrained stacks (autoencoders and RBMs use it).</summary>
    Sigmoid,
    /// <summary>Hyperbolic tangent.</summary>
    Tanh,
    /// <summary>Rectified linear unit.</summary>
    Relu,
    /// <summary>Leaky ReLU with negative slope 0.01.</summary>
    LeakyRelu,
    /// <summary>Exponential linear unit (alpha 1).</summary>
    Elu,
    /// <summary>Scaled ELU (self-normalizing).</summary>
    Selu,
}

/// <summary>Creates activation modules from <see cref="ActivationKind"/>.</summary>
public static class Activations
{
    /// <summary>A new module computing <paramref name="kind"/>.</summary>
    public static nn.Module<Tensor, Tensor> Create(ActivationKind kind) => kind switch
    {
        ActivationKind.Sigmoid => nn.Sigmoid(),
        ActivationKind.Tanh => nn.Tanh(),
        ActivationKind.Relu => nn.ReLU(),
        ActivationKind.LeakyRelu => nn.LeakyReLU(0.01),
        ActivationKind.Elu => nn.ELU(),
        ActivationKind.Selu => nn.SELU(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown activation"),
    };
}
