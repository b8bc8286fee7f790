using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Layers.ConvRbm;
using Pretrain.Pretraining.Layers.Rbm;
using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Tests.Layers.ConvAutoencoders;
using Pretrain.Pretraining.Tests.Support;
using Pretrain.Pretraining.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Layers.ConvRbm;

public sealed class ConvRbmTrainerTests
{
    private static readonly ConvRbmOptions Small = new() { Channels = 4, Kernel = 3, Padding = 1, PoolSize = 2, Epochs = 2, BatchSize = 16 };

    private static PretrainedLayer Fit(ConvRbmOptions options, ILayerInput train, ILayerInput? validation = null, int seed = 1, List<EpochReport>? reports = null) =>
        new ConvRbmTrainer(options).Fit(train, validation, RunContext.Create(DeviceSpec.Cpu, seed), "convRbm", reports is null ? null : new Recorder(reports));

    private static string Trace(List<EpochReport> reports) =>
        "the epochs went " + string.Join(" | ", reports.Select(r => string.Join(",", r.Metrics.Select(m => $"{m.Key}={m.Value:G4}"))));

    [Theory]
    [InlineData(null, false, 0.1)]
    [InlineData(2, false, 0.1)]
    [InlineData(2, true, 0.1)]
    [InlineData(null, true, 0.1)]
    public void It_learns_images_of_bars(int? pool, bool persistent, double rate)
    {
        using var train = BarImages.Flat(256);
        using var validation = BarImages.Flat(64, seed: 22);
        var reports = new List<EpochReport>();
        var options = new ConvRbmOptions { Channels = 8, Kernel = 3, Padding = 1, PoolSize = pool, Persistent = persistent, Epochs = 15, BatchSize = 16, LearningRate = rate };
        using var layer = Fit(options, new ReshapedLayerInput(train, [8, 8]), new ReshapedLayerInput(validation, [8, 8]), reports: reports);

        // Guessing every pixel at the mean (15 ones among 64) costs 64 * p * (1 - p), about 11.5, in squared error.
        var first = reports[0].Metrics["validationReconstructionError"];
        var last = reports[^1].Metrics["validationReconstructionError"];
        last.Should().BeLessThan(first / 2, Trace(reports)).And.BeLessThan(3.0, Trace(reports));
        double.IsFinite(reports[^1].Metrics["freeEnergyGap"]).Should().BeTrue();
    }

    [Fact]
    public void A_sparsity_target_pulls_each_filters_mean_activation_toward_it()
    {
        using var data = BarImages.Flat(128);
        var images = new ReshapedLayerInput(data, [8, 8]);
        var free = new List<EpochReport>();
        var sparse = new List<EpochReport>();
        var options = new ConvRbmOptions { Channels = 6, Kernel = 3, Padding = 1, Epochs = 8, BatchSize = 16, LearningRate = 0.1 };
        Fit(options, images, reports: free).Dispose();
        Fit(options with { SparsityTarget = 0.02, SparsityCost = 1.0 }, images, reports: sparse).Dispose();

        var target = 0.02;
        Math.Abs(sparse[^1].Metrics["meanActivation"] - target).Should().BeLessThan(0.5 * Math.Abs(free[^1].Metrics["meanActivation"] - target),
            $"mean activation {sparse[^1].Metrics["meanActivation"]:G3} with the target, {free[^1].Metrics["meanActivation"]:G3} without");
    }

    [Fact]
    public void Gaussian_visible_units_learn_standardized_images()
    {
        using var bars = BarImages.Create(192);
        using var noise = new Generator(6);
        using var noisy = bars + randn(bars.shape, generator: noise) * 0.1;
        using var data = new TensorLayerInput(((noisy - noisy.mean()) / noisy.std()).contiguous());
        var reports = new List<EpochReport>();
        using var layer = Fit(Small with { Visible = VisibleUnits.Gaussian, LearningRate = 0.05, Epochs = 10, Channels = 8 }, data, data, reports: reports);

        reports[^1].Metrics["validationReconstructionError"].Should().BeLessThan(0.7 * reports[0].Metrics["validationReconstructionError"], Trace(reports));
    }

    [Fact]
    public void The_same_seed_gives_identical_weights_and_the_layer_is_frozen()
    {
        using var data = BarImages.Flat(64);
        var images = new ReshapedLayerInput(data, [8, 8]);
        var options = Small with { Persistent = true, CdSteps = 2, SparsityTarget = 0.05, SampleVisibleInputs = true };
        using var a = Fit(options, images, images, seed: 5);
        using var b = Fit(options, images, images, seed: 5);
        using var c = Fit(options, images, images, seed: 6);

        a.Weight.Identical(b.Weight).Should().BeTrue();
        a.Bias.Identical(b.Bias).Should().BeTrue();
        a.Extras["visible.bias"].Identical(b.Extras["visible.bias"]).Should().BeTrue();
        a.Weight.Identical(c.Weight).Should().BeFalse();
        a.Weight.requires_grad.Should().BeFalse();
        a.Kind.Should().Be("convRbm");
        a.Convolution.Should().Be(new ConvolutionGeometry(3, 1, 1, 2, ConvPooling.Probabilistic));
    }

    public static TheoryData<ConvRbmOptions> Geometries =>
    [
        Small with { Kernel = 2, Padding = 1 },
        Small with { PoolSize = null },
        Small with { Kernel = 4, Padding = 2 },
        Small with { Kernel = 5, Padding = 1, PoolSize = null, Visible = VisibleUnits.Gaussian, LearningRate = 0.005 },
    ];

    [Theory]
    [MemberData(nameof(Geometries))]
    public void The_described_output_shape_is_the_shape_the_trained_layer_gives(ConvRbmOptions options)
    {
        // Two-channel 9x11 images: odd, unequal sizes catch every rounding of the size formulas.
        using var generator = new Generator(4);
        using var data = new TensorLayerInput(rand([20, 2, 9, 11], generator: generator));
        var described = new ConvRbmTrainer(options).Describe([2, 9, 11]);
        using var layer = Fit(options, data);

        using var encoded = layer.Encode(data.Values);
        encoded.shape.Skip(1).Should().Equal(described);
        layer.OutputShape.Should().Equal(described);
        (encoded.min().item<float>() >= 0 && encoded.max().item<float>() <= 1).Should().BeTrue("the layer passes up probabilities");
    }

    [Fact]
    public void The_frozen_layer_passes_up_the_pooling_units_probabilities()
    {
        using var data = BarImages.Flat(32);
        var images = new ReshapedLayerInput(data, [8, 8]);
        using var layer = Fit(Small, images);
        using var model = new ConvRbmModel(layer.Weight.clone(), layer.Bias.clone(), layer.Extras["visible.bias"].clone(), [1, 8, 8], VisibleUnits.Bernoulli, 1, 2);
        using var batch = data.Values.view(-1, 1, 8, 8);

        using var encoded = layer.Encode(data.Values);
        using var probabilities = model.HiddenProbabilities(batch);
        using var windowSums = nn.functional.avg_pool2d(probabilities, 2) * 4;

        encoded.allclose(windowSums, rtol: 1e-4, atol: 1e-6).Should().BeTrue("a pooling unit is on when one unit of its window is");
    }

    [Theory]
    [InlineData(2, VisibleUnits.Bernoulli)]
    [InlineData(null, VisibleUnits.Bernoulli)]
    [InlineData(2, VisibleUnits.Gaussian)]
    public void Reconstructions_are_the_ones_whose_error_the_trainer_reports(int? pool, VisibleUnits visible)
    {
        using var train = BarImages.Flat(64);
        using var validation = BarImages.Flat(32, seed: 22);
        var reports = new List<EpochReport>();
        var options = Small with { PoolSize = pool, Visible = visible, LearningRate = visible == VisibleUnits.Gaussian ? 0.02 : 0.1, Epochs = 3 };
        using var layer = Fit(options, new ReshapedLayerInput(train, [8, 8]), new ReshapedLayerInput(validation, [8, 8]), reports: reports);

        using var reconstruction = ConvRbmReconstruction.Of(layer, options, validation.Values);
        reconstruction.shape.Should().Equal([32, 1, 8, 8]);
        var squaredError = (validation.Values.view(32, 1, 8, 8) - reconstruction).square().sum().item<float>() / 32.0;
        squaredError.Should().BeApproximately(reports[^1].Metrics["validationReconstructionError"], 1e-3 * reports[^1].Metrics["validationReconstructionError"]);
        if (visible == VisibleUnits.Bernoulli)
            (reconstruction.min().item<float>() >= 0 && reconstruction.max().item<float>() <= 1).Should().BeTrue("Bernoulli means are probabilities");
    }

    [Fact]
    public void Reconstructing_through_a_layer_that_is_not_a_convolutional_rbm_is_refused()
    {
        using var dense = new PretrainedLayer("rbm", zeros(4, 64), zeros(4), EncoderActivation.Sigmoid);
        var act = () => ConvRbmReconstruction.Of(dense, Small, zeros(2, 64));
        act.Should().Throw<ArgumentException>().WithMessage("Layer 'rbm' is not a convolutional RBM*");
    }

    [Fact]
    public void Layers_that_do_not_fit_the_image_are_refused_naming_the_sizes()
    {
        var kernel = () => new ConvRbmTrainer(Small with { Kernel = 5, Padding = 0 }).Describe([16, 3, 3]);
        kernel.Should().Throw<PretrainException>().WithMessage("kernel 5 does not fit a 3x3 input.");
        var windows = () => new ConvRbmTrainer(Small with { Kernel = 4, Padding = 0 }).Describe([28, 28]);
        windows.Should().Throw<PretrainException>().WithMessage("probabilistic pool 2 needs whole windows but kernel 4 leaves a 25x25 feature map of a 28x28 input*");
        var flat = () => new ConvRbmTrainer(Small).Describe([256]);
        flat.Should().Throw<PretrainException>().WithMessage("*needs images [C, H, W] or [H, W], received [256]*");
        new ConvRbmTrainer(Small with { Kernel = 5, Padding = 0 }).Describe([28, 28]).Should().Equal(4, 12, 12);
    }

    [Fact]
    public void Invalid_options_are_all_reported_with_their_fields()
    {
        var act = () => new ConvRbmTrainer(new ConvRbmOptions
        {
            Channels = 0, Kernel = 3, Padding = 2, PoolSize = 0, CdSteps = 0, LearningRate = -1, FinalMomentum = 1, SparsityTarget = 1.5,
            Visible = VisibleUnits.Gaussian, SampleVisibleInputs = true,
        });
        act.Should().Throw<PretrainException>().WithMessage("convRbm layer: *channels: expected a positive integer, received 0.*"
            + "padding: expected an integer in [0, kernel / 2 = 1], received 2.*poolSize: expected a positive integer or null, received 0.*"
            + "cdSteps: expected a positive integer, received 0.*learningRate: expected a positive number, received -1.*"
            + "finalMomentum: expected a number in [0, 1), received 1.*sparsityTarget: expected a number in (0, 1), received 1.5.*"
            + "sampleVisibleInputs: only Bernoulli visible units can be sampled from probabilities.*");
    }

    [Fact]
    public void Training_longer_does_not_leave_more_live_tensors_behind()
    {
        using var data = BarImages.Flat(64);
        var images = new ReshapedLayerInput(data, [8, 8]);
        long LiveAfter(int epochs)
        {
            var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            Fit(Small with { Epochs = epochs, Persistent = true, SparsityTarget = 0.1, SampleVisibleInputs = true }, images, images).Dispose();
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
