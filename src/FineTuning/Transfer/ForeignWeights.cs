using Pretrain.Pretraining;
using Pretrain.Pretraining.Data;
using Pretrain.Pretraining.IO;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Transfer;

/// <summary>
/// The tensors of a weight file written by another framework (or by Pretrain's export): safetensors as stored, NumPy
/// <c>.npz</c> arrays as float32 (through the overflow-checked readers). Owns the tensors.
/// </summary>
internal sealed class ForeignWeights : Dictionary<string, Tensor>, IDisposable
{
    private ForeignWeights(IReadOnlyDictionary<string, Tensor> tensors) : base(tensors, StringComparer.Ordinal)
    {
    }

    /// <summary>Reads <paramref name="path"/> by its extension (<c>.safetensors</c> or <c>.npz</c>).</summary>
    public static ForeignWeights Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".safetensors" => new ForeignWeights(SafeTensorsFile.Read(path).Tensors),
            ".npz" => new ForeignWeights(NpzReader.Read(path).ToDictionary(a => a.Key, a => a.Value.ToFloatTensor())),
            _ => throw new PretrainException($"{path}: expected a .safetensors or .npz file to import."),
        };
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var tensor in Values)
            tensor.Dispose();
    }
}
