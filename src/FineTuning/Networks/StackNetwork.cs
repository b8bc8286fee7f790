using Pretrain.FineTuning.Transfer;
using Pretrain.Pretraining;
using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Stacks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Networks;

/// <summary>
/// Builds a classifier from a pretrained stack: its encoders (convolutional, then dense) become <c>hidden1..hiddenK</c>
/// (trainable copies) with their activations and pooling, followed by a new softmax head. The architecture equals <see cref="SpecFor"/>'s, so the same network
/// can be trained from scratch for comparison.
/// </summary>
public static class StackNetwork
{
    /// <summary>
    /// The architecture of the lowest <paramref name="reuse"/> layers of <paramref name="stack"/> (all by default): its
    /// convolutional layers as convolutional blocks, its dense layers as hidden layers, then <paramref name="extraLayers"/>
    /// new hidden layers, then a head of <paramref name="classCount"/> classes. Reusing fewer layers drops the upper
    /// ones; reusing fewer and adding new ones replaces them. <paramref name="batchNorm"/> puts batch normalization
    /// after every layer (see <see cref="BatchNormCalibration"/> for keeping the pretrained function at the start).
    /// </summary>
    public static MlpSpec SpecFor(PretrainedStack stack, int classCount, double dropout = 0, int? reuse = null, IReadOnlyList<int>? extraLayers = null,
        bool batchNorm = false)
    {
        ArgumentNullException.ThrowIfNull(stack);
        var count = reuse ?? stack.Layers.Count;
        if (count < 1 || count > stack.Layers.Count)
            throw new PretrainException($"model.reuseLayers: the pretrained stack has {stack.Layers.Count} layers; expected 1 to {stack.Layers.Count}, received {count}.");
        var reused = stack.Layers.Take(count).ToList();
        var activations = reused.Select(l => l.Activation).Distinct().ToList();
        if (activations.Count != 1)
            throw new PretrainException($"fine-tuning needs one activation for every layer; the stack mixes {string.Join(", ", activations)}.");
        var activation = activations[0] switch
        {
            EncoderActivation.Sigmoid => ActivationKind.Sigmoid,
            EncoderActivation.Tanh => ActivationKind.Tanh,
            EncoderActivation.Relu => ActivationKind.Relu,
            _ => throw new PretrainException($"fine-tuning a stack of {activations[0]} encoders is not supported; use sigmoid, tanh or relu layers."),
        };
        var convolutions = reused.TakeWhile(l => l.Convolution is not null)
            .Select(l => new ConvLayerSpec((int)l.OutputShape[0], l.Convolution!)).ToList();
        if (reused.Skip(convolutions.Count).FirstOrDefault(l => l.Convolution is not null) is { } late)
            throw new PretrainException($"layer{reused.IndexOf(late) + 1}: a convolutional layer above a dense one cannot be fine-tuned; convolutional layers come first.");
        var widths = reused.Skip(convolutions.Count).Select(l => l.OutputSize).Concat(extraLayers ?? []).ToArray();
        return new MlpSpec(stack.InputFeatures, widths, classCount, activation, dropout)
        {
            Convolutions = convolutions,
            ImageShape = convolutions.Count > 0 ? SampleShapes.AsImage(stack.InputShape) : null,
            BatchNorm = batchNorm,
        };
    }

    /// <summary>
    /// A new classifier whose lowest <paramref name="reuse"/> hidden layers (all by default) start from
    /// <paramref name="stack"/>; added layers and the head use libtorch's default initialization, drawn from
    /// <paramref name="generator"/> (as are the dropout masks' seeds).
    /// </summary>
    public static Sequential Build(PretrainedStack stack, int classCount, Generator generator, double dropout = 0, int? reuse = null, IReadOnlyList<int>? extraLayers = null,
        bool batchNorm = false)
    {
        var network = MlpBuilder.Build(SpecFor(stack, classCount, dropout, reuse, extraLayers, batchNorm), generator);
        var weights = new Dictionary<string, Tensor>();
        for (var i = 0; i < (reuse ?? stack.Layers.Count); i++)
        {
            weights[$"hidden{i + 1}.weight"] = stack.Layers[i].Weight;
            weights[$"hidden{i + 1}.bias"] = stack.Layers[i].Bias;
        }
        PartialRestore.Restore(network, weights, "hidden\\d+");
        return network;
    }
}
