using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Networks;

/// <summary>Builds the TorchSharp module for an <see cref="MlpSpec"/>.</summary>
public static class MlpBuilder
{
    /// <summary>
    /// A <see cref="Sequential"/> whose linear layers are named <c>hidden1..hiddenK</c> and <c>head</c>, with batch
    /// normalizations <c>bn1..bnK</c> (when asked for), activations <c>act1..actK</c> and dropouts <c>drop1..dropK</c>. The stable names let transfer code restore or
    /// freeze layers by pattern. Weights use libtorch's default initialization (seeded by the run context).
    /// </summary>
    public static Sequential Build(MlpSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        var inputs = spec.InputFeatures;
        for (var i = 0; i < spec.HiddenLayers.Count; i++)
        {
            var units = spec.HiddenLayers[i];
            layers.Add(($"hidden{i + 1}", nn.Linear(inputs, units)));
            if (spec.BatchNorm)
                layers.Add(($"bn{i + 1}", nn.BatchNorm1d(units)));
            layers.Add(($"act{i + 1}", Activations.Create(spec.Activation, spec.ActivationAlpha)));
            if (spec.Dropout > 0)
                layers.Add(($"drop{i + 1}", nn.Dropout(spec.Dropout)));
            inputs = units;
        }
        layers.Add(("head", nn.Linear(inputs, spec.ClassCount)));
        return nn.Sequential(layers);
    }
}
