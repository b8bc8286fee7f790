using Pretrain.Pretraining.IO;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Stacks;

/// <summary>Consistency checks for saved stacks, with messages that name the file, layer and tensor.</summary>
internal static class StackValidation
{
    /// <summary>Each layer's input width must be the previous layer's output width (layer 1: the input features).</summary>
    public static void CheckChain(string manifestPath, StackManifest manifest)
    {
        var expected = manifest.InputFeatures;
        if (manifest.InputShape.Count > 0 && manifest.InputShape.Aggregate(1L, (a, b) => a * b) != expected)
            throw new DataException(manifestPath, $"inputShape [{string.Join(", ", manifest.InputShape)}] does not match inputFeatures {expected}.");
        foreach (var layer in manifest.Layers)
        {
            if (layer.InputShape is { } shape && shape.Aggregate(1L, (a, b) => a * b) != layer.InputSize)
                throw new DataException(manifestPath, $"{layer.Name}: inputShape [{string.Join(", ", shape)}] does not match inputSize {layer.InputSize}.");
            if (layer.OutputShape is { } outputShape && outputShape.Aggregate(1L, (a, b) => a * b) != layer.OutputSize)
                throw new DataException(manifestPath, $"{layer.Name}: outputShape [{string.Join(", ", outputShape)}] does not match outputSize {layer.OutputSize}.");
            if (layer.InputSize != expected)
                throw new DataException(manifestPath, $"{layer.Name}: inputSize {layer.InputSize} does not match the {expected} outputs below it.");
            if (layer.OutputSize <= 0)
                throw new DataException(manifestPath, $"{layer.Name}: outputSize must be positive, received {layer.OutputSize}.");
            expected = layer.OutputSize;
        }
    }

    /// <summary>The float32 tensor <paramref name="name"/> of <paramref name="content"/>, which must have <paramref name="shape"/>.</summary>
    public static Tensor Expect(string path, SafeTensorsContent content, string name, long[] shape)
    {
        if (!content.Tensors.TryGetValue(name, out var tensor))
            throw new DataException(path, $"tensor '{name}' is missing; the file holds {string.Join(", ", content.Tensors.Keys)}.");
        if (!tensor.shape.SequenceEqual(shape))
            throw new DataException(path, $"tensor '{name}': expected shape [{string.Join(", ", shape)}], received [{string.Join(", ", tensor.shape)}].");
        if (tensor.dtype != ScalarType.Float32)
            throw new DataException(path, $"tensor '{name}': expected F32, received {tensor.dtype}.");
        return tensor;
    }
}
