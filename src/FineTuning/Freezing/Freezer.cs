using Pretrain.Pretraining;

namespace Pretrain.FineTuning.Freezing;

/// <summary>
/// Freezes and unfreezes layers: a frozen layer's parameters get no gradients and must be left out of the optimizer
/// (rebuild it after a change; TorchSharp has no module-wide requires_grad_, so this is done per parameter).
/// </summary>
public static class Freezer
{
    /// <summary>
    /// Freezes every group below index <paramref name="boundary"/> and unfreezes the rest, like fastai's
    /// <c>freeze_to</c>: 2 freezes the two lowest layers; a negative value counts from the top (-1 leaves only the top
    /// layer trainable). Returns the names of the frozen groups.
    /// </summary>
    public static IReadOnlyList<string> FreezeTo(LayerGroups groups, int boundary)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var index = boundary < 0 ? groups.Count + boundary : boundary;
        if (index < 0 || index > groups.Count)
            throw new PretrainException($"freeze: the network has {groups.Count} layers with weights ({string.Join(", ", groups.Names)}); cannot freeze to {boundary}.");
        var frozen = new List<string>();
        for (var i = 0; i < groups.Count; i++)
        {
            var freeze = i < index;
            foreach (var parameter in groups.Groups[i].Parameters)
                parameter.requires_grad = !freeze;
            if (freeze)
                frozen.Add(groups.Groups[i].Name);
        }
        return frozen;
    }

    /// <summary>Makes every group trainable.</summary>
    public static void UnfreezeAll(LayerGroups groups) => FreezeTo(groups, 0);
}
