using Pretrain.Pretraining;
using Pretrain.Pretraining.Data;
using Pretrain.Pretraining.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Transfer;

/// <summary>
/// Imports weights trained by other frameworks from safetensors or NumPy <c>.npz</c> files into a network, and exports a
/// network's weights the same way so PyTorch or NumPy users can load them. Exported names are the network's
/// parameter names (<c>hidden1.weight</c> [out, in], <c>hidden1.bias</c>, ..., <c>head.weight</c>).
/// </summary>
public static class WeightTransfer
{
    /// <summary>Writes <paramref name="model"/>'s parameters to <paramref name="path"/> (.safetensors or .npz), atomically.</summary>
    public static void Export(nn.Module model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(path);
        var tensors = model.state_dict();
        switch (Path.GetExtension(path).ToLowerInvariant())
        {
            case ".safetensors":
                SafeTensorsFile.Write(path, tensors, new Dictionary<string, string> { ["layout"] = "out,in", ["writer"] = "Pretrain" });
                break;
            case ".npz":
                NpyWriter.WriteNpz(path, tensors);
                break;
            default:
                throw new PretrainException($"{path}: expected a .safetensors or .npz file name for export.");
        }
    }

    /// <summary>
    /// Copies the tensors of <paramref name="path"/> into <paramref name="model"/> through <paramref name="mappings"/> (the
    /// first mapping whose source matches a name wins; unmatched foreign tensors are ignored). Every mapped tensor must
    /// fit its parameter: a missing parameter, another shape (after transposing <see cref="WeightLayout.InOut"/>
    /// weights) or a non-floating dtype is an error naming the tensor and both shapes. Returns the parameters written.
    /// </summary>
    public static IReadOnlyList<string> Import(nn.Module model, string path, IReadOnlyList<NameMapping> mappings)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(mappings);
        using var source = ForeignWeights.Read(path);
        var parameters = model.state_dict();
        var written = new List<string>();
        using var _ = no_grad();
        foreach (var (foreignName, tensor) in source.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            if (NameMapping.Apply(mappings, foreignName, out var mapping) is not { } target || mapping is null)
                continue;
            if (!parameters.TryGetValue(target, out var into))
                throw new PretrainException($"{path}: tensor '{foreignName}' maps to '{target}', which the network does not have; it has {string.Join(", ", parameters.Keys)}.");
            if (!tensor.is_floating_point())
                throw new PretrainException($"{path}: tensor '{foreignName}' has dtype {tensor.dtype}; expected a floating-point type for '{target}'.");
            using var oriented = mapping.Layout == WeightLayout.InOut && tensor.dim() == 2 ? tensor.t() : tensor.alias();
            if (!oriented.shape.SequenceEqual(into.shape))
                throw new PretrainException($"{path}: tensor '{foreignName}' has shape [{string.Join(", ", tensor.shape)}]{(mapping.Layout == WeightLayout.InOut ? " (in, out)" : "")} but '{target}' expects [{string.Join(", ", into.shape)}] (out, in).");
            into.copy_(oriented.to(into.dtype));
            written.Add(target);
        }
        if (written.Count == 0)
            throw new PretrainException($"{path}: no tensor matched the name mappings; the file holds {string.Join(", ", source.Keys)}.");
        return written;
    }
}
