using Pretrain.FineTuning.Models;
using Pretrain.FineTuning.Networks;
using Pretrain.Pretraining.Data;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Tests.Export;

/// <summary>Saves networks with random, non-default weights and batch-norm statistics for the export tests.</summary>
internal static class RandomNetwork
{
    /// <summary>
    /// Saves a network of <paramref name="spec"/> as <paramref name="folder"/>/network.*: every float tensor of its state
    /// drawn from N(0, <paramref name="spread"/>²) (running variances uniform in [0.5, 1.5)); returns the folder.
    /// </summary>
    public static string Save(string folder, MlpSpec spec, ScalerState scaling, IReadOnlyList<long>? inputShape = null, ulong seed = 5, float spread = 0.7f)
    {
        using var network = MlpBuilder.Build(spec, seed);
        using var g = new Generator(seed + 1);
        using (no_grad())
        {
            foreach (var (name, tensor) in network.state_dict())
            {
                if (tensor.is_floating_point())
                    tensor.copy_(name.Contains("running_var", StringComparison.Ordinal) ? rand(tensor.shape, generator: g) + 0.5f : randn(tensor.shape, generator: g) * spread);
            }
        }
        SavedNetworkWriter.Save(network, spec, inputShape ?? [spec.InputFeatures], scaling, null, Path.Combine(folder, "network.safetensors"));
        return folder;
    }

    /// <summary>Per-feature standardization statistics that differ from feature to feature.</summary>
    public static ScalerState Standardize(int features) =>
        new("standardize", Enumerable.Range(0, features).Select(i => 0.3f * (i % 11) - 1).ToArray(), Enumerable.Range(0, features).Select(i => 0.5f + 0.25f * (i % 7)).ToArray());
}
