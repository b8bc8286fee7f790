using static TorchSharp.torch;

namespace Pretrain.Pretraining.IO;

/// <summary>The tensors and metadata of a safetensors file. Owns the tensors.</summary>
/// <param name="Tensors">Tensors by name, on the CPU.</param>
/// <param name="Metadata">The file's <c>__metadata__</c> strings.</param>
public sealed record SafeTensorsContent(IReadOnlyDictionary<string, Tensor> Tensors, IReadOnlyDictionary<string, string> Metadata) : IDisposable
{
    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var tensor in Tensors.Values)
            tensor.Dispose();
    }
}
