using Pretrain.FineTuning.Networks;
using Pretrain.Pretraining;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Export;

/// <summary>
/// One ONNX node (or none) per TorchSharp layer, for the layers dense networks are built from. Anything else is
/// refused by name: exporting a module this code does not know would silently compute something else.
/// </summary>
internal static class OnnxLayers
{
    private const string Supported = "Linear, BatchNorm1d, Sigmoid, Tanh, ReLU, LeakyReLU, ELU, SELU, PReLU, Dropout";

    /// <summary>Appends <paramref name="layer"/> applied to <paramref name="x"/> (width <paramref name="width"/>); returns the output and its width.</summary>
    public static (string Output, long Width) Append(OnnxGraph graph, string name, nn.Module layer, string x, long width)
    {
        switch (layer)
        {
            case Linear linear:
                if (linear.in_features != width)
                    throw Refuse(name, layer, $"it takes {linear.in_features} inputs but the layer below gives {width}");
                // Gemm with transB computes x W^T + b from PyTorch's [out, in] weight without a transposed copy.
                var inputs = new List<string> { x, graph.Constant($"{name}.weight", linear.weight) };
                if (linear.bias is { } bias)
                    inputs.Add(graph.Constant($"{name}.bias", bias));
                return (graph.Node("Gemm", name, inputs, OnnxGraph.Int("transB", 1)), linear.out_features);
            case BatchNorm1d norm:
                if (norm.running_mean is null || norm.running_var is null)
                    throw Refuse(name, layer, "it keeps no running statistics, so its inference output depends on the batch");
                using (var scope = NewDisposeScope())
                {
                    // Inference-mode BatchNormalization; without affine parameters, scale 1 and bias 0 are the same thing.
                    var scale = norm.weight is { } w ? w.detach() : ones(norm.num_features);
                    var shift = norm.bias is { } b ? b.detach() : zeros(norm.num_features);
                    return (graph.Node("BatchNormalization", name,
                        [x, graph.Constant($"{name}.weight", scale), graph.Constant($"{name}.bias", shift),
                         graph.Constant($"{name}.running_mean", norm.running_mean), graph.Constant($"{name}.running_var", norm.running_var)],
                        OnnxGraph.Float("epsilon", norm.eps)), width);
                }
            case Sigmoid:
                return (graph.Node("Sigmoid", name, [x]), width);
            case Tanh:
                return (graph.Node("Tanh", name, [x]), width);
            case ReLU:
                return (graph.Node("Relu", name, [x]), width);
            case LeakyReLU leaky:
                return (graph.Node("LeakyRelu", name, [x], OnnxGraph.Float("alpha", leaky.negative_slope)), width);
            case ELU elu:
                return (graph.Node("Elu", name, [x], OnnxGraph.Float("alpha", elu.alpha)), width);
            case SELU:
                // ONNX's default alpha and gamma are PyTorch's constants.
                return (graph.Node("Selu", name, [x]), width);
            case PReLU prelu:
                return (graph.Node("PRelu", name, [x, graph.Constant($"{name}.weight", prelu.weight)]), width);
            case SeededDropout or Dropout or Identity:
                return (x, width);
            default:
                throw Refuse(name, layer, $"ONNX export supports {Supported} layers (dense networks; convolutional stacks cannot be fine-tuned or exported yet)");
        }
    }

    private static PretrainException Refuse(string name, nn.Module layer, string why) =>
        new($"ONNX export: cannot export layer '{name}' ({layer.GetType().Name}): {why}.");
}
