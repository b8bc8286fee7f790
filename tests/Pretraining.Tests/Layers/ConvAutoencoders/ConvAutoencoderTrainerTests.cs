using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Layers.Autoencoders;
using Pretrain.Pretraining.Layers.ConvAutoencoders;
using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Tests.Support;
using Pretrain.Pretraining.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Layers.ConvAutoencoders;

public sealed class ConvAutoencoderTrainerTests
{
    private static readonly ConvAutoencoderOptions Small = new() { Channels = 4, Kernel = 3, Padding = 1, PoolSize = 2, Epochs = 2, BatchSize = 16, LearningRate = 0.01 };

    private static PretrainedLayer Fit(ConvAutoencoderOptions options, ILayerInput train, ILayerInput? validation = null, int seed = 1, List<EpochReport>? reports = null) =>
        new ConvAutoencoderTrainer(options).Fit(train, validation, RunContext.Create(DeviceSpec.Cpu, seed), "conv", reports is null ? null : new Recorder(reports));

    [Fact]
    public void It_learns_to_reconstruct_images_of_bars()
    {
        using var train = BarImages.Flat(256);
        using var validation = BarImages.Flat(64, seed: 22);
        var reports = new List<EpochReport>();
        var options = new ConvAutoencoderOptions { Channels = 8, Kernel = 3, Padding = 1, PoolSize = 2, Epochs = 20, BatchSize = 16, LearningRate = 0.01 };
        using var layer = Fit(options, new ReshapedLayerInput(train, [8, 8]), new ReshapedLayerInput(validation, [8, 8]), reports: reports);

        // An 8x8 image of two bars has 15 ones among 64 pixels: guessing every pixel at 15/64 costs about 34 nats of
        // cross-entropy; a layer that learned the bars (through 2x2 max-pooling) reconstructs them for a small fraction.
        var first = reports[0].Metrics["validationReconstruction"];
        var last = reports[^1].Metrics["validationReconstruction"];
        last.Should().BeLessThan(first / 5, "the epochs went " + string.Join(" | ", reports.Select(r => string.Join(",", r.Metrics.Select(m => $"{m.Key}={m.Value:G4}"))))).And.BeLessThan(4.0);
    }

    [Theory]
    [InlineData(ConvUnpooling.Switches)]
    [InlineData(ConvUnpooling.Nearest)]
    public void The_frozen_layers_reconstructions_score_what_training_reported(ConvUnpooling unpooling)
    {
        // The reconstruction drawn for the run folder must go through the path the layer trained on: its cross-entropy on
        // the validation images is the validation reconstruction of the last epoch.
        using var train = BarImages.Flat(128);
        using var validation = BarImages.Flat(32, seed: 22);
        var reports = new List<EpochReport>();
        var options = new ConvAutoencoderOptions
        {
            Channels = 4, Kernel = 3, Padding = 1, PoolSize = 2, Decoder = ConvDecoder.Upsampling, TiedWeights = false,
            Unpooling = unpooling, Epochs = 3, BatchSize = 16, LearningRate = 0.01,
        };
        using var layer = Fit(options, new ReshapedLayerInput(train, [8, 8]), new ReshapedLayerInput(validation, [8, 8]), reports: reports);

        using var images = BarImages.Create(32, seed: 22);
        using var reconstruction = ConvAutoencoderReconstruction.Of(layer, options, images.reshape(32, 64));
        reconstruction.shape.Should().Equal([32, 1, 8, 8]);
        var clamped = reconstruction.clamp(1e-7, 1 - 1e-7);
        var crossEntropy = -(images * clamped.log() + (1 - images) * (1 - clamped).log()).sum().item<float>() / 32.0;
        crossEntropy.Should().BeApproximately(reports[^1].Metrics["validationReconstruction"], 0.02 * reports[^1].Metrics["validationReconstruction"]);
    }

    [Fact]
    public void The_same_seed_gives_identical_weights_and_the_layer_is_frozen()
    {
        using var data = BarImages.Flat(64);
        var images = new ReshapedLayerInput(data, [8, 8]);
        var noisy = Small with { Noise = NoiseKind.Masking, NoiseLevel = 0.2 };
        using var a = Fit(noisy, images, seed: 5);
        using var b = Fit(noisy, images, seed: 5);
        using var c = Fit(noisy, images, seed: 6);

        a.Weight.Identical(b.Weight).Should().BeTrue();
        a.Extras["decoder.weight"].Identical(b.Extras["decoder.weight"]).Should().BeTrue();
        a.Weight.Identical(c.Weight).Should().BeFalse();
        a.Weight.requires_grad.Should().BeFalse();
        a.Extras["decoder.weight"].Identical(a.Weight).Should().BeTrue("tied transposed decoders use the encoder's kernels");
    }

    public static TheoryData<ConvAutoencoderOptions> Geometries =>
    [
        Small,
        Small with { Stride = 2, Padding = 0, PoolSize = null },
        Small with { Kernel = 4, Padding = 2, Decoder = ConvDecoder.Upsampling, TiedWeights = false },
        Small with { Kernel = 2, Stride = 3, PoolSize = 2, Decoder = ConvDecoder.Upsampling },
        Small with { Kernel = 5, Stride = 2, Padding = 1, PoolSize = null, TiedWeights = false, Loss = ReconstructionLoss.MeanSquaredError },
    ];

    [Theory]
    [MemberData(nameof(Geometries))]
    public void The_described_output_shape_is_the_shape_the_trained_layer_gives(ConvAutoencoderOptions options)
    {
        using var scope = NewDisposeScope();
        // Two-channel 9x11 images: odd, unequal sizes catch every rounding of the size formulas.
        using var generator = new Generator(4);
        using var data = new TensorLayerInput(rand([20, 2, 9, 11], generator: generator));
        var described = new ConvAutoencoderTrainer(options).Describe([2, 9, 11]);
        using var layer = Fit(options, data);

        var encoded = layer.Encode(data.Values);
        encoded.shape.Skip(1).Should().Equal(described);
        layer.OutputShape.Should().Equal(described);
        layer.InputShape.Should().Equal(2, 9, 11);
    }

    [Fact]
    public void An_image_two_dimensional_shape_counts_as_one_channel()
    {
        new ConvAutoencoderTrainer(Small).Describe([28, 28]).Should().Equal(4, 14, 14);
        new ConvAutoencoderTrainer(Small with { Kernel = 5, Padding = 0 }).Describe([28, 28]).Should().Equal(4, 12, 12);
    }

    [Fact]
    public void Layers_that_do_not_fit_the_image_are_refused_naming_the_sizes()
    {
        var kernel = () => new ConvAutoencoderTrainer(Small with { Kernel = 5, Padding = 0 }).Describe([16, 3, 3]);
        kernel.Should().Throw<PretrainException>().WithMessage("kernel 5 does not fit a 3x3 input.");
        var pool = () => new ConvAutoencoderTrainer(Small with { Kernel = 3, Padding = 0, PoolSize = 2 }).Describe([4, 3, 3]);
        pool.Should().Throw<PretrainException>().WithMessage("pool 2 does not fit the 1x1 feature map*3x3 input.");
        var flat = () => new ConvAutoencoderTrainer(Small).Describe([256]);
        flat.Should().Throw<PretrainException>().WithMessage("*needs images [C, H, W] or [H, W], received [256]*");
    }

    [Fact]
    public void Invalid_options_are_all_reported_with_their_fields()
    {
        var act = () => new ConvAutoencoderTrainer(new ConvAutoencoderOptions { Channels = 0, Kernel = 3, Padding = 2, PoolSize = 0, SparsityTarget = 0.1 });
        act.Should().Throw<PretrainException>()
            .WithMessage("*channels: expected a positive integer, received 0.*padding: expected an integer in [0, kernel / 2 = 1], received 2.*poolSize*sparsityTarget: the KL sparsity penalty needs sigmoid units*");
    }

    [Fact]
    public void A_batch_with_a_non_finite_loss_is_skipped_instead_of_poisoning_the_weights()
    {
        using var images = BarImages.Create(32);
        images[5, 0, 3, 3] = float.NaN;
        using var data = new TensorLayerInput(images.clone());
        var reports = new List<EpochReport>();

        using var layer = Fit(Small with { Epochs = 3 }, data, reports: reports);

        reports.Select(r => r.Metrics["skippedBatches"]).Should().Equal(1, 1, 1);
        reports.Should().OnlyContain(r => double.IsFinite(r.Metrics["trainLoss"]));
        layer.Weight.isfinite().all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void Training_longer_does_not_leave_more_live_tensors_behind()
    {
        using var data = BarImages.Flat(64);
        var images = new ReshapedLayerInput(data, [8, 8]);
        long LiveAfter(int epochs)
        {
            var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            var options = Small with
            {
                Epochs = epochs, Noise = NoiseKind.Gaussian, NoiseLevel = 0.1, Activation = EncoderActivation.Sigmoid, SparsityTarget = 0.1,
                Decoder = ConvDecoder.Upsampling,
            };
            Fit(options, images, images).Dispose();
            return DisposeScopeManager.Statistics.ThreadTotalLiveCount - before;
        }
        LiveAfter(1);
        LiveAfter(6).Should().BeLessThanOrEqualTo(LiveAfter(2));
    }

    private sealed class Recorder(List<EpochReport> reports) : ITrainingCallback
    {
        public void OnEpochEnd(EpochReport report) => reports.Add(report);
    }
}
