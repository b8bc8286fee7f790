using Pretrain.Pretraining.Greedy;
using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Layers.ConvRbm;
using Pretrain.Pretraining.Layers.Rbm;
using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Stacks;
using Pretrain.Pretraining.Tests.Layers.ConvAutoencoders;
using Pretrain.Pretraining.Tests.Support;

namespace Pretrain.Pretraining.Tests.Layers.ConvRbm;

/// <summary>Convolutional RBMs in greedy stacks: shapes through the stack, save and reload, manifest versions.</summary>
public sealed class ConvRbmStackTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pretrain-convrbm-stack-").FullName;
    private readonly RunContext _context = RunContext.Create(DeviceSpec.Cpu, 3);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static LayerPlan ConvRbm(int channels, int kernel, int? pool = null, int padding = 0) =>
        new(new ConvRbmTrainer(new ConvRbmOptions { Channels = channels, Kernel = kernel, Padding = padding, PoolSize = pool, Epochs = 1, BatchSize = 16 }));

    private static LayerPlan Rbm(int hidden) => new(new RbmTrainer(new RbmOptions { HiddenUnits = hidden, Epochs = 1, BatchSize = 16 }));

    [Fact]
    public void A_convolutional_dbn_saved_and_reloaded_gives_identical_outputs()
    {
        using var data = BarImages.Flat(40);
        var greedy = new GreedyPretrainer([ConvRbm(4, 3, pool: 2, padding: 1), ConvRbm(6, 3, padding: 1), Rbm(5)]);
        greedy.Describe([8, 8]).Should().BeEquivalentTo(new[] { new long[] { 4, 4, 4 }, [6, 4, 4], [5] }, o => o.WithStrictOrdering());
        using var stack = greedy.Run(data, data, [8, 8], null, _context);
        StackStore.Save(stack, _folder);

        using var loaded = StackStore.Load(_folder);

        var manifest = StackStore.ReadManifest(_folder);
        manifest.Version.Should().Be(3, "probabilistic pooling is new in version 3");
        manifest.Layers[0].Kind.Should().Be("convRbm");
        manifest.Layers[0].Convolution.Should().Be(new ConvolutionGeometry(3, 1, 1, 2, ConvPooling.Probabilistic));
        manifest.Layers[1].Convolution.Should().Be(new ConvolutionGeometry(3, 1, 1));
        File.ReadAllText(Path.Combine(_folder, StackStore.ManifestFileName)).Should().Contain("\"pooling\": \"probabilistic\"");
        loaded.Layers[0].Extras["visible.bias"].Identical(stack.Layers[0].Extras["visible.bias"]).Should().BeTrue();
        using var expected = stack.Encode(data.Values);
        using var actual = loaded.Encode(data.Values);
        expected.shape.Should().Equal(40, 5);
        actual.Identical(expected).Should().BeTrue();
    }

    [Fact]
    public void A_stack_without_probabilistic_pooling_stays_at_version_2_and_max_pooled_manifests_do_not_change()
    {
        using var data = BarImages.Flat(20);
        using var stack = new GreedyPretrainer([ConvRbm(2, 3)]).Run(data, null, [8, 8], null, _context);
        StackStore.Save(stack, _folder);

        StackStore.ReadManifest(_folder).Version.Should().Be(2);
        File.ReadAllText(Path.Combine(_folder, StackStore.ManifestFileName)).Should().NotContain("pooling\"", "max-pooling is the default and is not written");
    }

    [Fact]
    public void A_manifest_with_probabilistic_pooling_of_non_sigmoid_units_is_refused_naming_the_file()
    {
        using var data = BarImages.Flat(20);
        using var stack = new GreedyPretrainer([ConvRbm(2, 3, pool: 2, padding: 1)]).Run(data, null, [8, 8], null, _context);
        StackStore.Save(stack, _folder);
        var path = Path.Combine(_folder, StackStore.ManifestFileName);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"activation\": \"sigmoid\"", "\"activation\": \"relu\""));

        var act = () => StackStore.Load(_folder);

        act.Should().Throw<DataException>().WithMessage("*layer1.safetensors: layer1: probabilistic max-pooling pools sigmoid units, received activation Relu.*");
    }
}
