using Pretrain.Pretraining.Layers.Autoencoders;
using TorchSharp;
using TorchSharp.Modules;

namespace Pretrain.Pretraining.Layers;

/// <summary>The optimizers of gradient-trained layers (dense and convolutional autoencoders), made in one place.</summary>
internal static class LayerOptimizers
{
    /// <summary>A new <paramref name="kind"/> optimizer over <paramref name="parameters"/>.</summary>
    public static torch.optim.Optimizer Create(LayerOptimizer kind, IEnumerable<Parameter> parameters, double learningRate, double momentum, double weightDecay) => kind switch
    {
        LayerOptimizer.Sgd => torch.optim.SGD(parameters, learningRate, weight_decay: weightDecay),
        LayerOptimizer.Momentum => torch.optim.SGD(parameters, learningRate, momentum: momentum, weight_decay: weightDecay),
        LayerOptimizer.Adam => new Training.ScalarSafeAdam(parameters, learningRate, weightDecay),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown optimizer"),
    };
}
