using Pretrain.FineTuning.Transfer;
using Pretrain.Pretraining;
using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Stacks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Networks;

/// <summary>
/// Builds a classifier from a pretrained stack: its encoders become <c>hidden1..hiddenK</c> (trainable copies) with their
/// activations, followed by a new softmax head. The architecture equals <see cref="SpecFor"/>'s, so the same network
/// can be trained from scratch for comparison.
/// </summary>
public static class StackNetwork
{
    /// <summary>The MLP architecture of <paramref name="stack"/> with a head of <paramref name="classCount"/> classes.</summary>
    public static MlpSpec SpecFor(PretrainedStack stack, int classCount, double dropout = 0)
    {
        ArgumentNullException.ThrowIfNull(stack);
        if (stack.Layers.Count == 0)
            throw new PretrainException("the pretrained stack has no layers to fine-tune.");
        var activations = stack.Layers.Select(l => l.Activation).Distinct().ToList();
        if (activations.Count != 1)
            throw new PretrainException($"fine-tuning needs one activation for every layer; the stack mixes {string.Join(", ", activations)}.");
        var activation = activations[0] switch
        {
            EncoderActivation.Sigmoid => ActivationKind.Sigmoid,
            EncoderActivation.Tanh => ActivationKind.Tanh,
            EncoderActivation.Relu => ActivationKind.Relu,
            _ => throw new PretrainException($"fine-tuning a stack of {activations[0]} encoders is not supported; use sigmoid, tanh or relu layers."),
        };
        return new MlpSpec(stack.InputFeatures, stack.Layers.Select(l => l.OutputSize).ToArray(), classCount, activation, dropout);
    }

    /// <summary>A new classifier initialized from <paramref name="stack"/>; the head uses libtorch's default initialization.</summary>
    public static Sequential Build(PretrainedStack stack, int classCount, double dropout = 0)
    {
        var network = MlpBuilder.Build(SpecFor(stack, classCount, dropout));
        var weights = new Dictionary<string, Tensor>();
        for (var i = 0; i < stack.Layers.Count; i++)
        {
            weights[$"hidden{i + 1}.weight"] = stack.Layers[i].Weight;
            weights[$"hidden{i + 1}.bias"] = stack.Layers[i].Bias;
        }
        PartialRestore.Restore(network, weights, "hidden\\d+");
        return network;
    }
}
