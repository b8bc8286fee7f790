using TorchSharp;
using TorchSharp.Modules;
using Pretrain.Pretraining.Layers;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Stacks;

/// <summary>Turns pretrained stacks into TorchSharp modules for fine-tuning or feature extraction.</summary>
public static class StackModules
{
    /// <summary>
    /// A new <see cref="Sequential"/> of <c>hidden1, act1, hidden2, act2, ...</c> for the first <paramref name="layers"/>
    /// layers (all by default): <see cref="Linear"/> modules holding copies of the encoder weights (trainable) and
    /// the encoders' activations. The stack itself is untouched. Convolutional layers are refused with a
    /// <see cref="PretrainException"/> (StackNetwork in Pretrain.FineTuning builds networks from them).
    /// </summary>
    public static Sequential ToSequential(this PretrainedStack stack, int? layers = null)
    {
        ArgumentNullException.ThrowIfNull(stack);
        var count = layers ?? stack.Layers.Count;
        if (stack.Layers.Take(count).Any(l => l.Convolution is not null))
            throw new PretrainException("a convolutional layer has no fully connected module: build networks from convolutional stacks with Pretrain.FineTuning.Networks.StackNetwork.");
        var modules = new List<(string, nn.Module<Tensor, Tensor>)>();
        for (var i = 0; i < count; i++)
        {
            var layer = stack.Layers[i];
            var linear = nn.Linear(layer.InputSize, layer.OutputSize, device: layer.Weight.device);
            using (no_grad())
            {
                linear.weight!.copy_(layer.Weight);
                linear.bias!.copy_(layer.Bias);
            }
            modules.Add(($"hidden{i + 1}", linear));
            modules.Add(($"act{i + 1}", ActivationModule(layer.Activation)));
        }
        return nn.Sequential(modules);
    }

    private static nn.Module<Tensor, Tensor> ActivationModule(EncoderActivation activation) => activation switch
    {
        EncoderActivation.Sigmoid => nn.Sigmoid(),
        EncoderActivation.Tanh => nn.Tanh(),
        EncoderActivation.Relu => nn.ReLU(),
        EncoderActivation.Linear => nn.Identity(),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "unknown activation"),
    };
}
