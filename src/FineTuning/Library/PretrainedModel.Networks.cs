using System.Text.RegularExpressions;
using Pretrain.FineTuning.Models;
using Pretrain.FineTuning.Networks;
using Pretrain.Pretraining;
using Pretrain.Pretraining.Stacks;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Library;

/// <summary>The saved-network side of <see cref="PretrainedModel"/>: telling a network from a stack, and classifiers built from one.</summary>
public sealed partial class PretrainedModel
{
    /// <summary>True when <paramref name="path"/> is a saved network: a <c>.json</c> manifest other than a stack's, or a folder with <c>network.json</c> and no <c>stack.json</c>.</summary>
    private static bool IsSavedNetwork(string path) => Directory.Exists(path)
        ? File.Exists(Path.Combine(path, SavedNetwork.ManifestFileName)) && !StackStore.Exists(path)
        : path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) && Path.GetFileName(path) != StackStore.ManifestFileName;

    private static Sequential FromNetwork(SavedNetwork saved, int classCount, Generator generator, double dropout, int? reuseLayers, IReadOnlyList<int>? extraLayers)
    {
        var spec = saved.Spec;
        var reuse = reuseLayers ?? spec.HiddenLayers.Count;
        if (reuse < 0 || reuse > spec.HiddenLayers.Count)
            throw new PretrainException($"reuseLayers: the saved network {saved.ManifestPath} has {spec.HiddenLayers.Count} hidden layers; expected 0 to {spec.HiddenLayers.Count}, received {reuse}.");
        var whole = reuse == spec.HiddenLayers.Count && extraLayers is not { Count: > 0 } && classCount == spec.ClassCount;
        var target = spec with { HiddenLayers = spec.HiddenLayers.Take(reuse).Concat(extraLayers ?? []).ToArray(), ClassCount = classCount, Dropout = dropout };
        var network = MlpBuilder.Build(target, generator);
        var source = saved.Module.state_dict();
        using var _ = no_grad();
        foreach (var (name, into) in network.state_dict())
        {
            var match = LayerName().Match(name);
            var reused = whole || (match.Success && int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) <= reuse);
            if (reused && source.TryGetValue(name, out var from) && from.shape.SequenceEqual(into.shape))
                into.copy_(from);
        }
        return network;
    }

    [GeneratedRegex(@"^(?:hidden|bn|act)(\d+)\.")]
    private static partial Regex LayerName();
}
