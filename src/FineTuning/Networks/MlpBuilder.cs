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
    /// freeze layers by pattern. Linear layers get libtorch's default initialization (<see cref="InitializerKind.Default"/>)
    /// drawn from <paramref name="generator"/>, and each dropout its own generator seeded from it, so the network depends
    /// on nothing but that generator.
    /// </summary>
    public static Sequential Build(MlpSpec spec, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(generator);
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
                layers.Add(($"drop{i + 1}", new SeededDropout(spec.Dropout, generator)));
            inputs = units;
        }
        layers.Add(("head", nn.Linear(inputs, spec.ClassCount)));
        var network = nn.Sequential(layers);
        Initializers.ApplyDefault(network, generator);
        return network;
    }

    /// <summary>
    /// <see cref="Build(MlpSpec, Generator)"/> with a generator seeded from <paramref name="seed"/>: the same seed gives
    /// the same network.
    /// </summary>
    public static Sequential Build(MlpSpec spec, ulong seed)
    {
        using var generator = new Generator(seed);
        return Build(spec, generator);
    }
}
