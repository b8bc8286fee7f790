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
    /// <summary>AdaGrad (per-parameter rates from accumulated squared gradients).</summary>
    AdaGrad,
    /// <summary>RMSProp (rates from a moving average of squared gradients).</summary>
    RmsProp,
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
        OptimizerKind.Adam => new Pretraining.Training.ScalarSafeAdam(parameters, learningRate, weightDecay),
        OptimizerKind.AdamW => optim.AdamW(parameters, learningRate, weight_decay: weightDecay),
        OptimizerKind.AdaGrad => optim.Adagrad(parameters, learningRate, weight_decay: weightDecay),
        OptimizerKind.RmsProp => optim.RMSProp(parameters, learningRate, weight_decay: weightDecay, momentum: 0),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown optimizer"),
    };

    /// <summary>A new optimizer with one parameter group per entry of <paramref name="groups"/>, each with its own learning rate.</summary>
    public static optim.Optimizer Create(OptimizerKind kind, IReadOnlyList<(IReadOnlyList<TorchSharp.Modules.Parameter> Parameters, double LearningRate)> groups, double weightDecay = 0, double momentum = 0.9)
    {
        ArgumentNullException.ThrowIfNull(groups);
        return kind switch
        {
            OptimizerKind.Sgd => optim.SGD(groups.Select(g => new TorchSharp.Modules.SGD.ParamGroup(g.Parameters, g.LearningRate, weight_decay: weightDecay)), groups[0].LearningRate),
            OptimizerKind.Momentum => optim.SGD(groups.Select(g => new TorchSharp.Modules.SGD.ParamGroup(g.Parameters, g.LearningRate, momentum: momentum, weight_decay: weightDecay)), groups[0].LearningRate, momentum),
            OptimizerKind.Nesterov => optim.SGD(groups.Select(g => new TorchSharp.Modules.SGD.ParamGroup(g.Parameters, g.LearningRate, momentum: momentum, nesterov: true, weight_decay: weightDecay)), groups[0].LearningRate, momentum, nesterov: true),
            OptimizerKind.Adam => new Pretraining.Training.ScalarSafeAdam(groups.Select(g => ((IEnumerable<TorchSharp.Modules.Parameter>)g.Parameters, g.LearningRate)).ToList(), weightDecay),
            OptimizerKind.AdamW => optim.AdamW(groups.Select(g => new TorchSharp.Modules.AdamW.ParamGroup(g.Parameters, g.LearningRate, weight_decay: weightDecay))),
            OptimizerKind.AdaGrad => optim.Adagrad(groups.Select(g => new TorchSharp.Modules.Adagrad.ParamGroup(g.Parameters, g.LearningRate, weight_decay: weightDecay))),
            OptimizerKind.RmsProp => optim.RMSProp(groups.Select(g => new TorchSharp.Modules.RMSProp.ParamGroup(g.Parameters, g.LearningRate, weight_decay: weightDecay))),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown optimizer"),
        };
    }
}
