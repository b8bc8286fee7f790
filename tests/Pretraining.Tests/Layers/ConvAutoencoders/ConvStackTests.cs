using Pretrain.Pretraining.Greedy;
using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Layers.Autoencoders;
using Pretrain.Pretraining.Layers.ConvAutoencoders;
using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Stacks;
using Pretrain.Pretraining.Tests.Greedy;
using Pretrain.Pretraining.Tests.Support;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Layers.ConvAutoencoders;

public sealed class ConvStackTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pretrain-conv-stack-").FullName;
    private readonly RunContext _context = RunContext.Create(DeviceSpec.Cpu, 3);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static LayerPlan Conv(int channels, int kernel, int? pool = null) =>
        new(new ConvAutoencoderTrainer(new ConvAutoencoderOptions { Channels = channels, Kernel = kernel, PoolSize = pool, Epochs = 1, BatchSize = 16 }));

    private static LayerPlan Dense(int hidden) => new(new AutoencoderTrainer(new AutoencoderOptions { HiddenUnits = hidden, Epochs = 1, BatchSize = 16 }));

    [Fact]
    public void A_stack_whose_layers_do_not_fit_the_image_is_refused_naming_the_layer_and_sizes()
    {
        var greedy = new GreedyPretrainer([Conv(16, 5, pool: 2), Conv(32, 5)]) { Path = "pretraining.layers" };

        var act = () => greedy.Describe([10, 10]);

        act.Should().Throw<PretrainException>().WithMessage("pretraining.layers[1]: kernel 5 does not fit a 3x3 input (after layer 0: 16x3x3).");
    }

    [Fact]
    public void A_convolutional_layer_above_a_dense_one_is_refused_before_training()
    {
        using var data = BarImages.Flat(32);
        var act = () => new GreedyPretrainer([Dense(10), Conv(4, 3)]).Run(data, null, [8, 8], null, _context);

        act.Should().Throw<PretrainException>().WithMessage("layers[1]: a convolutional layer needs images*received [10]*(after layer 0: 10).");
    }

    [Fact]
    public void The_stack_describes_every_shape_and_a_dense_layer_reads_the_feature_maps_flat()
    {
        using var data = BarImages.Flat(48);
        var greedy = new GreedyPretrainer([Conv(4, 3, pool: 2), Conv(6, 2), Dense(5)]);
        greedy.Describe([8, 8]).Should().BeEquivalentTo(new[] { new long[] { 4, 3, 3 }, [6, 2, 2], [5] }, o => o.WithStrictOrdering());

        using var stack = greedy.Run(data, data, [8, 8], null, _context);

        stack.Layers.Select(l => l.OutputSize).Should().Equal(36, 24, 5);
        stack.Layers[2].InputShape.Should().Equal(24);
        using var encoded = stack.Encode(data.Values);
        encoded.shape.Should().Equal(48, 5);
        using var maps = stack.Encode(data.Values, 2);
        maps.shape.Should().Equal(48, 6, 2, 2);
    }

    [Fact]
    public void Recomputing_a_convolutional_layer_feeds_the_layer_above_the_same_maps_as_the_cache()
    {
        using var data = BarImages.Flat(30);
        using var cached = new RecordingTrainer(3, 1, passes: 1);
        new GreedyPretrainer([Conv(4, 3, pool: 2), new(cached)]).Run(data, null, [8, 8], null, _context).Dispose();
        using var recomputed = new RecordingTrainer(3, 1, passes: 1);
        new GreedyPretrainer([Conv(4, 3, pool: 2), new(recomputed)]) { CacheFrozenOutputs = false }.Run(data, null, [8, 8], null, _context).Dispose();

        cached.SeenInputs!.shape.Should().Equal(30, 4, 3, 3);
        recomputed.SeenInputs!.allclose(cached.SeenInputs!, rtol: 1e-5, atol: 1e-6).Should().BeTrue();
    }

    [Fact]
    public void A_convolutional_stack_saved_and_reloaded_gives_identical_outputs()
    {
        using var data = BarImages.Flat(40);
        using var stack = new GreedyPretrainer([Conv(4, 3, pool: 2), Dense(7)]).Run(data, null, [8, 8], null, _context);
        StackStore.Save(stack, _folder);

        using var loaded = StackStore.Load(_folder);

        var manifest = StackStore.ReadManifest(_folder);
        manifest.Version.Should().Be(2);
        manifest.Layers[0].Convolution.Should().Be(new ConvolutionGeometry(3, 1, 0, 2));
        manifest.Layers[0].InputShape.Should().Equal(1, 8, 8);
        manifest.Layers[0].OutputShape.Should().Equal(4, 3, 3);
        loaded.Layers[0].Convolution.Should().Be(stack.Layers[0].Convolution);
        loaded.Layers[0].Extras["decoder.weight"].Identical(stack.Layers[0].Extras["decoder.weight"]).Should().BeTrue();
        using var expected = stack.Encode(data.Values);
        using var actual = loaded.Encode(data.Values);
        actual.Identical(expected).Should().BeTrue();
    }

    [Fact]
    public void A_resumed_run_reuses_a_checkpointed_convolutional_layer()
    {
        using var data = BarImages.Flat(40);
        var checkpoint = Path.Combine(_folder, "stack");
        using (new GreedyPretrainer([Conv(4, 3, pool: 2)]).Run(data, null, [8, 8], null, _context, checkpoint))
        {
        }
        using var saved = StackStore.Load(checkpoint);

        using var resumed = new GreedyPretrainer([Conv(4, 3, pool: 2), Dense(3)]).Run(data, null, [8, 8], null, _context, checkpoint);

        resumed.Layers[0].Weight.Identical(saved.Layers[0].Weight).Should().BeTrue();
        resumed.Layers[1].InputSize.Should().Be(36);
    }

    [Fact]
    public void A_convolutional_stack_has_no_fully_connected_module_and_says_where_to_build_one()
    {
        using var data = BarImages.Flat(20);
        using var stack = new GreedyPretrainer([Conv(2, 3)]).Run(data, null, [8, 8], null, _context);

        var act = () => stack.ToSequential();

        act.Should().Throw<PretrainException>().WithMessage("a convolutional layer has no fully connected module*StackNetwork*");
    }
}
