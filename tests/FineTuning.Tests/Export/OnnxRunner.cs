using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Tests.Export;

/// <summary>Runs an exported ONNX file in ONNX Runtime on a float32 [N, D] tensor; returns each output as a tensor.</summary>
internal static class OnnxRunner
{
    public static Dictionary<string, Tensor> Run(string path, Tensor input)
    {
        using var session = new InferenceSession(path);
        using var cpu = input.contiguous();
        using var value = OrtValue.CreateTensorValueFromMemory(cpu.data<float>().ToArray(), cpu.shape);
        using var options = new RunOptions();
        using var results = session.Run(options, new Dictionary<string, OrtValue> { ["input"] = value }, session.OutputNames);
        var outputs = new Dictionary<string, Tensor>();
        for (var i = 0; i < results.Count; i++)
        {
            var shape = results[i].GetTensorTypeAndShape().Shape;
            outputs[session.OutputNames[i]] = tensor(results[i].GetTensorDataAsSpan<float>().ToArray(), shape);
        }
        return outputs;
    }

    public static IReadOnlyDictionary<string, string> Metadata(string path)
    {
        using var session = new InferenceSession(path);
        return session.ModelMetadata.CustomMetadataMap;
    }
}
