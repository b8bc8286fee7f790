using System.Text.RegularExpressions;
using Pretrain.Pretraining;
using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Transfer;

/// <summary>
/// Copies saved weights into a network, but only for the layers whose names match a pattern (for example
/// <c>hidden[12]</c> restores hidden1 and hidden2 and leaves the rest freshly initialized). Shapes must agree.
/// </summary>
public static class PartialRestore
{
    /// <summary>
    /// Copies each tensor of <paramref name="source"/> named <c>LAYER.PARAM</c> into <paramref name="target"/>'s parameter
    /// of the same name when LAYER fully matches <paramref name="layerPattern"/>. Returns the names of the restored
    /// tensors. A matching layer that the target lacks, or a shape that differs, is an error naming the tensor and both shapes.
    /// </summary>
    public static IReadOnlyList<string> Restore(nn.Module target, IReadOnlyDictionary<string, Tensor> source, string layerPattern)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(layerPattern);
        var pattern = new Regex($"^(?:{layerPattern})$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        var destination = target.state_dict();
        var restored = new List<string>();
        using var _ = no_grad();
        foreach (var (name, tensor) in source.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            var layer = name.Split('.')[0];
            if (!pattern.IsMatch(layer))
                continue;
            if (!destination.TryGetValue(name, out var into))
                throw new PretrainException($"restore: tensor '{name}' matches '{layerPattern}' but the network has no such parameter; it has {string.Join(", ", destination.Keys)}.");
            if (!into.shape.SequenceEqual(tensor.shape))
                throw new PretrainException($"restore: tensor '{name}' has shape [{string.Join(", ", tensor.shape)}] but the network expects [{string.Join(", ", into.shape)}].");
            into.copy_(tensor);
            restored.Add(name);
        }
        if (restored.Count == 0)
            throw new PretrainException($"restore: no saved tensor belongs to a layer matching '{layerPattern}'; saved layers are {string.Join(", ", source.Keys.Select(k => k.Split('.')[0]).Distinct())}.");
        return restored;
    }
}
