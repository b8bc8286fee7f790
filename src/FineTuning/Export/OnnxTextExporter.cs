using System.Text.Json;
using Onnx;
using Pretrain.FineTuning.Models;
using Pretrain.Pretraining.Layers;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Export;

/// <summary>
/// Writes a saved text model as an ONNX model that takes token ids, as the document classifier reads them: graph input
/// <c>tokens</c> int64 <c>[batch, maxWords]</c>, each document's word ids cut to <c>maxWords</c> and padded with 0
/// (ids of unknown words are 1); outputs <c>logits</c> <c>[batch, C]</c> and, unless switched off,
/// <c>probabilities</c>. Tokenizing stays outside the graph (ONNX has no portable word tokenizer): the metadata holds
/// what a caller needs for it, <c>vocabulary</c> (the words in id order), <c>input</c> (tokenizer, lowercase,
/// maxWords, padding and unknown ids) and <c>classes</c>, all JSON. The graph computes what the classifier does: the
/// centred windows of every position (Pad, then Gather with a constant <c>[maxWords, window]</c> index), the word
/// embeddings (Gather), the dense layers (MatMul, Add, activation), the pooling over the document's real words (mean
/// or max under the padding mask) and the softmax layer (Gemm).
/// </summary>
internal static class OnnxTextExporter
{
    public static ModelProto Build(TextNetworkManifest manifest, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyList<string> vocabulary, bool probabilities)
    {
        var a = manifest.Architecture;
        var length = (long)manifest.Input.MaxWords;
        var graph = new OnnxGraph();
        var tokens = graph.Reserve("tokens");
        graph.Graph.Input.Add(OnnxGraph.BatchOf(tokens, length, TensorProto.Types.DataType.Int64));

        // The mask of real words, [batch, maxWords, 1], and their count per document, [batch, 1].
        var padding = graph.Int64Constant("padding_id", [manifest.Input.PaddingId], []);
        var real = graph.Node("Not", "is_word", [graph.Node("Equal", "is_padding", [tokens, padding])]);
        var mask = graph.Node("Unsqueeze", "mask", [graph.Node("Cast", "mask_flat", [real], OnnxGraph.Int("to", (long)TensorProto.Types.DataType.Float)), graph.Int64Constant("axis_2", 2)]);
        var positions = graph.Int64Constant("axis_1", 1);
        var count = graph.Node("ReduceSum", "word_count", [mask, positions], OnnxGraph.Int("keepdims", 0));
        // Weighted averages weigh each real word by its token's weight; the divisor is then the weights' sum.
        var weight = mask;
        var divisor = graph.Node("Max", "divisor", [count, Scalar(graph, "one", 1)]);
        if (a.WordWeights && a.Pooling != "maxWindows")
        {
            var perWord = graph.Node("Gather", "word_weight_flat", [graph.Constant("pooling.wordWeights", tensors["pooling.wordWeights"]), tokens], OnnxGraph.Int("axis", 0));
            weight = graph.Node("Mul", "word_weight", [mask, graph.Node("Unsqueeze", "word_weight_3d", [perWord, graph.Int64Constant("axis_2b", 2)])]);
            divisor = graph.Node("Max", "weighted_divisor", [graph.Node("ReduceSum", "weight_sum", [weight, positions], OnnxGraph.Int("keepdims", 0)), Scalar(graph, "tiny", 1e-12f)]);
        }

        var embedding = graph.Constant("embedding.weight", tensors["embedding.weight"]);
        string features;
        if (a.Pooling == "words")
            features = graph.Node("Gather", "embedded", [embedding, tokens], OnnxGraph.Int("axis", 0));
        else
            features = Windows(graph, a, tensors, tokens, embedding, length);

        string pooled;
        if (a.Pooling == "maxWindows")
        {
            // Padding positions never win the max: pushed far below any activation; a document without words pools to 0.
            var offset = graph.Node("Mul", "padding_offset", [graph.Node("Sub", "mask_minus_one", [mask, Scalar(graph, "one", 1)]), Scalar(graph, "far", 1e9f)]);
            var maximum = graph.Node("ReduceMax", "max_pooled", [graph.Node("Add", "masked", [features, offset])], OnnxGraph.Ints("axes", 1), OnnxGraph.Int("keepdims", 0));
            pooled = graph.Node("Where", "pooled", [graph.Node("Greater", "has_words", [count, Scalar(graph, "zero", 0)]), maximum, Scalar(graph, "zero", 0)]);
        }
        else
        {
            var sum = graph.Node("ReduceSum", "summed", [graph.Node("Mul", "masked", [features, weight]), positions], OnnxGraph.Int("keepdims", 0));
            pooled = graph.Node("Div", "pooled", [sum, divisor]);
        }

        var logits = graph.Node("Gemm", "logits", [pooled, graph.Constant("head.weight", tensors["head.weight"]), graph.Constant("head.bias", tensors["head.bias"])],
            OnnxGraph.Int("transB", 1));
        graph.Graph.Output.Add(OnnxGraph.BatchOf(logits, a.ClassCount));
        if (probabilities)
            graph.Graph.Output.Add(OnnxGraph.BatchOf(graph.Node("Softmax", "probabilities", [logits], OnnxGraph.Int("axis", 1)), a.ClassCount));

        var model = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "Pretrain",
            ProducerVersion = typeof(OnnxTextExporter).Assembly.GetName().Version?.ToString() ?? "",
            Graph = graph.Graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OnnxExporter.Opset });
        model.MetadataProps.Add(new StringStringEntryProto { Key = "classes", Value = JsonSerializer.Serialize(manifest.Classes) });
        model.MetadataProps.Add(new StringStringEntryProto { Key = "input", Value = JsonSerializer.Serialize(manifest.Input, TextNetworkExporter.Compact) });
        model.MetadataProps.Add(new StringStringEntryProto { Key = "vocabulary", Value = JsonSerializer.Serialize(vocabulary) });
        return model;
    }

    /// <summary>The window encoder's code for the window centred on every position: <c>[batch, maxWords, last hidden width]</c>.</summary>
    private static string Windows(OnnxGraph graph, TextNetworkArchitecture a, IReadOnlyDictionary<string, Tensor> tensors, string tokens, string embedding, long length)
    {
        var half = a.Window / 2;
        // [batch, maxWords + 2 half]: padding ids past both ends, as the classifier pads before unfolding.
        var padded = half == 0 ? tokens : graph.Node("Pad", "padded", [tokens, graph.Int64Constant("pads", 0, half, 0, half), graph.Int64Constant("pad_value", [0], [])]);
        var index = new long[length * a.Window];
        for (long position = 0; position < length; position++)
            for (var offset = 0; offset < a.Window; offset++)
                index[position * a.Window + offset] = position + offset;
        var windows = graph.Node("Gather", "windows", [padded, graph.Int64Constant("window_index", index, [length, a.Window])], OnnxGraph.Int("axis", 1));
        // [batch, maxWords, window, embedding] -> [batch, maxWords, window * embedding]: the window's embeddings side by side.
        var embedded = graph.Node("Gather", "embedded", [embedding, windows], OnnxGraph.Int("axis", 0));
        var h = graph.Node("Reshape", "window_inputs", [embedded, graph.Int64Constant("window_shape", 0, length, (long)a.Window * a.EmbeddingSize)]);
        for (var i = 1; i <= a.HiddenLayers.Count; i++)
        {
            // MatMul broadcasts over [batch, maxWords]; it takes the weight as [in, out], PyTorch's transposed.
            var weight = tensors[$"hidden{i}.weight"];
            using var transposed = weight.t();
            var linear = graph.Node("Add", $"hidden{i}", [graph.Node("MatMul", $"hidden{i}.matmul", [h, graph.Constant($"hidden{i}.weight", transposed)]), graph.Constant($"hidden{i}.bias", tensors[$"hidden{i}.bias"])]);
            h = a.Activation switch
            {
                EncoderActivation.Sigmoid => graph.Node("Sigmoid", $"act{i}", [linear]),
                EncoderActivation.Tanh => graph.Node("Tanh", $"act{i}", [linear]),
                EncoderActivation.Relu => graph.Node("Relu", $"act{i}", [linear]),
                _ => linear,
            };
        }
        return h;
    }

    private static string Scalar(OnnxGraph graph, string name, float value) => graph.Constant(name, (ReadOnlySpan<float>)[value]);
}
