using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Networks;

/// <summary>Builds the TorchSharp module for an <see cref="MlpSpec"/>.</summary>
public static class MlpBuilder
{
    /// <summary>
    /// A <see cref="Sequential"/> (convolutional blocks first when the spec has them, see <see cref="AddConvolutions"/>) whose linear layers are named <c>hidden1..hiddenK</c> and <c>head</c>, with batch
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
        AddConvolutions(spec, layers);
        var inputs = spec.DenseInputFeatures;
        for (var j = 0; j < spec.HiddenLayers.Count; j++)
        {
            var (i, units) = (spec.Convolutions.Count + j, spec.HiddenLayers[j]);
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
    /// The convolutional blocks: <c>image</c> (flat rows to [B, C, H, W]), then per block <c>hiddenI</c> (the
    /// convolution), <c>bnI</c>, <c>actI</c>, <c>poolI</c> (<c>poolI</c> before <c>actI</c> for ReLU; for probabilistic pooling <c>poolI</c> alone), and <c>flatten</c> after the last one. Dropout stays on the
    /// dense layers: on feature maps it drops single pixels, which neighbours make up for.
    /// </summary>
    private static void AddConvolutions(MlpSpec spec, List<(string, nn.Module<Tensor, Tensor>)> layers)
    {
        var shapes = spec.ConvolutionShapes();
        if (shapes.Count == 0)
            return;
        layers.Add(("image", new ImageView(spec.ImageShape!)));
        var channels = spec.ImageShape![0];
        for (var i = 0; i < spec.Convolutions.Count; i++)
        {
            var (block, g) = (spec.Convolutions[i], spec.Convolutions[i].Geometry);
            layers.Add(($"hidden{i + 1}", new Convolution2d(channels, block.Channels, g.Kernel, g.Stride, g.Padding)));
            if (spec.BatchNorm)
                layers.Add(($"bn{i + 1}", nn.BatchNorm2d(block.Channels)));
            // A convolutional RBM's probabilistic pooling is its activation and its pooling in one.
            if (g.IsProbabilistic)
                layers.Add(($"pool{i + 1}", new ProbabilisticPooling(g.PoolSize)));
            else if (g.PoolSize > 1 && spec.Activation == ActivationKind.Relu)
            {
                // ReLU commutes with max-pooling (same values, same winners, same gradients), and after the pooling it
                // and its gradient touch one value in P² (see ActivatedMaxPooling).
                layers.Add(($"pool{i + 1}", new WindowMaxPool2d(g.PoolSize)));
                layers.Add(($"act{i + 1}", Activations.Create(spec.Activation, spec.ActivationAlpha)));
            }
            else
            {
                layers.Add(($"act{i + 1}", Activations.Create(spec.Activation, spec.ActivationAlpha)));
                if (g.PoolSize > 1)
                    layers.Add(($"pool{i + 1}", new WindowMaxPool2d(g.PoolSize)));
            }
            channels = block.Channels;
        }
        layers.Add(("flatten", nn.Flatten()));
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
