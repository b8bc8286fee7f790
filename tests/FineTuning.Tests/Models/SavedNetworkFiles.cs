using Pretrain.FineTuning.Models;
using Pretrain.FineTuning.Networks;
using Pretrain.Pretraining.Data;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Tests.Models;

/// <summary>Saves small trained-looking networks for the saved-network tests.</summary>
internal static class SavedNetworkFiles
{
    /// <summary>A 6-5-4-3 network with batch norm and PReLU (every kind of state a manifest must rebuild), random weights and statistics.</summary>
    public static MlpSpec Spec { get; } = new(6, [5, 4], 3, ActivationKind.PRelu, Dropout: 0.2) { BatchNorm = true, ActivationAlpha = 0.1 };

    /// <summary>Per-feature standardization statistics.</summary>
    public static ScalerState Scaling { get; } = new("standardize", [1f, -2f, 0.5f, 0f, 3f, -1f], [2f, 0.5f, 1f, 4f, 1.5f, 1f]);

    /// <summary>Builds the network with non-default weights and batch-norm statistics and saves it as <paramref name="folder"/>/network.*; returns it.</summary>
    public static Sequential Save(string folder, IReadOnlyList<string>? classes = null, ulong seed = 3)
    {
        var network = MlpBuilder.Build(Spec, seed);
        using var g = new Generator(seed + 1);
        using (no_grad())
        {
            foreach (var (_, tensor) in network.state_dict())
            {
                if (tensor.is_floating_point())
                    tensor.copy_(rand(tensor.shape, generator: g) + 0.1f);
            }
        }
        network.eval();
        SavedNetworkWriter.Save(network, Spec, [2, 3], Scaling, classes, Path.Combine(folder, "network.safetensors"));
        return network;
    }
}
