using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Training;

/// <summary>Optimizers a recipe can name.</summary>
public enum OptimizerKind
{
    /// <summary>Plain stochastic gradient descent.</summary>
    Sgd,
    /// <summary>SGD with classical momentum.</summary>
    Momentum,
    /// <summary>SGD with Nesterov momentum.</summary>
    Nesterov,
    /// <summary>Adam (Kingma and Ba).</summary>
    Adam,
    /// <summary>Adam with decoupled weight decay.</summary>
    AdamW,
}

/// <summary>Creates TorchSharp optimizers from an <see cref="OptimizerKind"/>.</summary>
public static class Optimizers
{
    /// <summary>A new optimizer over <paramref name="parameters"/>.</summary>
    /// <param name="kind">Which optimizer.</param>
    /// <param name="parameters">The trainable parameters.</param>
    /// <param name="learningRate">Step size.</param>
    /// <param name="weightDecay">L2 penalty (decoupled for AdamW).</param>
    /// <param name="momentum">Momentum for <see cref="OptimizerKind.Momentum"/> and <see cref="OptimizerKind.Nesterov"/>.</param>
    public static optim.Optimizer Create(OptimizerKind kind, IEnumerable<TorchSharp.Modules.Parameter> parameters, double learningRate, double weightDecay = 0, double momentum = 0.9) => kind switch
    {
        OptimizerKind.Sgd => optim.SGD(parameters, learningRate, weight_decay: weightDecay),
        OptimizerKind.Momentum => optim.SGD(parameters, learningRate, momentum: momentum, weight_decay: weightDecay),
        OptimizerKind.Nesterov => optim.SGD(parameters, learningRate, momentum: momentum, nesterov: true, weight_decay: weightDecay),
        OptimizerKind.Adam => optim.Adam(parameters, learningRate, weight_decay: weightDecay),
        OptimizerKind.AdamW => optim.AdamW(parameters, learningRate, weight_decay: weightDecay),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown optimizer"),
    };
}
