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
    /// <summary>Leaky ReLU; negative slope alpha (default 0.01).</summary>
    LeakyRelu,
    /// <summary>Exponential linear unit; alpha default 1.</summary>
    Elu,
    /// <summary>Scaled ELU (self-normalizing; pair with lecunNormal initialization).</summary>
    Selu,
    /// <summary>Parametric ReLU: the negative slope is learned (one per layer, starting at alpha, default 0.25).</summary>
    PRelu,
}

/// <summary>Creates activation modules from <see cref="ActivationKind"/>.</summary>
public static class Activations
{
    /// <summary>A new module computing <paramref name="kind"/>; <paramref name="alpha"/> overrides the slope of leaky ReLU, ELU and PReLU.</summary>
    public static nn.Module<Tensor, Tensor> Create(ActivationKind kind, double? alpha = null) => kind switch
    {
        ActivationKind.Sigmoid => nn.Sigmoid(),
        ActivationKind.Tanh => nn.Tanh(),
        ActivationKind.Relu => nn.ReLU(),
        ActivationKind.LeakyRelu => nn.LeakyReLU(alpha ?? 0.01),
        ActivationKind.Elu => nn.ELU(alpha ?? 1.0),
        ActivationKind.Selu => nn.SELU(),
        ActivationKind.PRelu => nn.PReLU(1, alpha ?? 0.25),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown activation"),
    };
}
