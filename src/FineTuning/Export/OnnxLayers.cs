using Pretrain.FineTuning.Networks;
using Pretrain.Pretraining;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Export;

/// <summary>
/// One ONNX node (or none) per TorchSharp layer, for the layers Pretrain's networks are built from: dense layers and
/// activations here, the convolutional blocks in <see cref="OnnxConvLayers"/>. Anything else is refused by name:
/// exporting a module this code does not know would silently compute something else. Each layer is given the shape
/// of one example below it (<c>[D]</c>, or <c>[C, H, W]</c> between <c>image</c> and <c>flatten</c>) and checks it.
/// </summary>
internal static class OnnxLayers
{
    private const string Supported = "Linear, BatchNorm1d, BatchNorm2d, Sigmoid, Tanh, ReLU, LeakyReLU, ELU, SELU, PReLU, Dropout, " +
                                     "ImageView, Convolution2d, MaxPool2d, WindowMaxPool2d, Flatten";

    /// <summary>
    /// Appends <paramref name="layer"/> applied to <paramref name="x"/> (one example of shape <paramref name="shape"/>);
    /// returns the output and the shape of one output example.
    /// </summary>
    public static (string Output, long[] Shape) Append(OnnxGraph graph, string name, nn.Module layer, string x, long[] shape)
    {
        switch (layer)
        {
            case Linear linear:
                if (shape.Length != 1 || linear.in_features != shape[0])
                    throw Refuse(name, layer, $"it takes {linear.in_features} inputs but the layer below gives {Describe(shape)}");
                // Gemm with transB computes x W^T + b from PyTorch's [out, in] weight without a transposed copy.
                var inputs = new List<string> { x, graph.Constant($"{name}.weight", linear.weight) };
                if (linear.bias is { } bias)
                    inputs.Add(graph.Constant($"{name}.bias", bias));
                return (graph.Node("Gemm", name, inputs, OnnxGraph.Int("transB", 1)), [linear.out_features]);
            case BatchNorm norm:
                return (BatchNormalization(graph, name, norm, x, shape), shape);
            case Sigmoid:
                return (graph.Node("Sigmoid", name, [x]), shape);
            case Tanh:
                return (graph.Node("Tanh", name, [x]), shape);
            case ReLU:
                return (graph.Node("Relu", name, [x]), shape);
            case LeakyReLU leaky:
                return (graph.Node("LeakyRelu", name, [x], OnnxGraph.Float("alpha", leaky.negative_slope)), shape);
            case ELU elu:
                return (graph.Node("Elu", name, [x], OnnxGraph.Float("alpha", elu.alpha)), shape);
            case SELU:
                // ONNX's default alpha and gamma are PyTorch's constants.
                return (graph.Node("Selu", name, [x]), shape);
            case PReLU prelu:
                // ONNX broadcasts the slope against the trailing axes, PyTorch applies one slope per channel (axis 1):
                // per-channel slopes on images go in as [C, 1, 1].
                long[]? dims = prelu.num_parameters > 1 && shape.Length == 3 ? [prelu.num_parameters, 1, 1] : null;
                return (graph.Node("PRelu", name, [x, graph.Constant($"{name}.weight", prelu.weight, dims)]), shape);
            case SeededDropout or Dropout or Identity:
                return (x, shape);
            default:
                return OnnxConvLayers.Append(graph, name, layer, x, shape)
                    ?? throw Refuse(name, layer, $"ONNX export supports {Supported} layers");
        }
    }

    /// <summary>Inference-mode BatchNormalization (running statistics) over features [D] or channels of images [C, H, W].</summary>
    private static string BatchNormalization(OnnxGraph graph, string name, BatchNorm norm, string x, long[] shape)
    {
        var expected = norm is BatchNorm2d ? 3 : 1;
        if (shape.Length != expected || shape[0] != norm.num_features)
            throw Refuse(name, norm, $"it normalizes {norm.num_features} {(expected == 3 ? "channels of images" : "features")} but the layer below gives {Describe(shape)}");
        if (norm.running_mean is null || norm.running_var is null)
            throw Refuse(name, norm, "it keeps no running statistics, so its inference output depends on the batch");
        using var scope = NewDisposeScope();
        // Without affine parameters, scale 1 and bias 0 are the same thing.
        var scale = norm.weight is { } w ? w.detach() : ones(norm.num_features);
        var shift = norm.bias is { } b ? b.detach() : zeros(norm.num_features);
        return graph.Node("BatchNormalization", name,
            [x, graph.Constant($"{name}.weight", scale), graph.Constant($"{name}.bias", shift),
             graph.Constant($"{name}.running_mean", norm.running_mean), graph.Constant($"{name}.running_var", norm.running_var)],
            OnnxGraph.Float("epsilon", norm.eps));
    }

    /// <summary><c>4 features</c> or <c>images [3, 8, 8]</c>, for messages.</summary>
    public static string Describe(long[] shape) =>
        shape.Length == 1 ? $"{shape[0]}" : $"images [{string.Join(", ", shape)}]";

    /// <summary>The refusal of <paramref name="layer"/>, naming it, its type and <paramref name="why"/>.</summary>
    public static PretrainException Refuse(string name, nn.Module layer, string why) =>
        new($"ONNX export: cannot export layer '{name}' ({layer.GetType().Name}): {why}.");
}
