using System.Text.Json;
using Onnx;
using Pretrain.FineTuning.Networks;
using Pretrain.Pretraining;
using Pretrain.Pretraining.Data;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Export;

/// <summary>
/// Writes a fine-tuned network (<see cref="MlpBuilder"/>'s and <see cref="StackNetwork"/>'s <see cref="Sequential"/>
/// of linear layers, batch normalizations, activations and dropouts, with convolutional blocks below them in a CNN:
/// image view, convolutions, max-pooling, flatten) as an ONNX model that takes raw inputs, as <c>pretrain predict</c>
/// does: the fitted input scaling is the graph's first two nodes, on the flat rows, before the image view.
/// Dropout is the identity at inference and is left out; batch normalization uses its running statistics.
/// Graph input <c>input</c> float32 <c>[batch, D]</c>; outputs <c>logits</c> <c>[batch, C]</c> and, unless
/// switched off, <c>probabilities</c> (their softmax). The class names and input shape are in the model's metadata
/// (<c>classes</c>, <c>inputShape</c>, JSON arrays). Opset 17, IR version 8: ONNX Runtime 1.14 and later load it.
/// </summary>
public static class OnnxExporter
{
    /// <summary>The ONNX operator set the graph is written against.</summary>
    public const long Opset = 17;

    /// <summary>
    /// The ONNX model of <paramref name="network"/> (float32, in its current state; read in eval mode semantics).
    /// A layer ONNX export does not cover is a <see cref="PretrainException"/> naming the layer and its type.
    /// </summary>
    /// <param name="network">The module: the children are read in order.</param>
    /// <param name="inputFeatures">Input width D.</param>
    /// <param name="scaling">The fitted input scaling, applied first as <c>(x - offset) / scale</c>.</param>
    /// <param name="classes">One name per logit, stored in the metadata.</param>
    /// <param name="inputShape">The shape of one raw example, stored in the metadata.</param>
    /// <param name="probabilities">Also output the softmax of the logits (default true).</param>
    public static ModelProto Build(Sequential network, long inputFeatures, ScalerState scaling, IReadOnlyList<string> classes,
        IReadOnlyList<long> inputShape, bool probabilities = true)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(scaling);
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentNullException.ThrowIfNull(inputShape);
        var graph = new OnnxGraph();
        var x = graph.Reserve("input");
        graph.Graph.Input.Add(OnnxGraph.BatchOf(x, inputFeatures));
        if (scaling.Kind != "none")
        {
            x = graph.Node("Sub", "centered", [x, graph.Constant("scaling.offset", scaling.Offset.ToArray(), scaling.Offset.Count)]);
            x = graph.Node("Div", "scaled", [x, graph.Constant("scaling.scale", scaling.Scale.ToArray(), scaling.Scale.Count)]);
        }
        long[] shape = [inputFeatures];
        foreach (var (name, layer) in network.named_children())
            (x, shape) = OnnxLayers.Append(graph, name, layer, x, shape);
        if (shape.Length != 1 || shape[0] != classes.Count)
            throw new PretrainException($"ONNX export: the network ends in {OnnxLayers.Describe(shape)} outputs but {classes.Count} class names were given.");
        var width = shape[0];

        var logits = graph.Node("Identity", "logits", [x]);
        graph.Graph.Output.Add(OnnxGraph.BatchOf(logits, width));
        if (probabilities)
            graph.Graph.Output.Add(OnnxGraph.BatchOf(graph.Node("Softmax", "probabilities", [logits], OnnxGraph.Int("axis", 1)), width));

        var model = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "Pretrain",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "",
            Graph = graph.Graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        model.MetadataProps.Add(new StringStringEntryProto { Key = "classes", Value = JsonSerializer.Serialize(classes) });
        model.MetadataProps.Add(new StringStringEntryProto { Key = "inputShape", Value = JsonSerializer.Serialize(inputShape) });
        model.MetadataProps.Add(new StringStringEntryProto { Key = "scaling", Value = scaling.Kind });
        return model;
    }
}
