using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Layers.Autoencoders;
using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Layers.Autoencoders;

public sealed class AutoencoderTrainerTests
{
    /// <summary>512 examples of 20 features lying on a 3-dimensional subspace.</summary>
    private static TensorLayerInput LowRank(ulong seed = 5)
    {
        using var generator = new Generator(seed);
        using var basis = randn([3, 20], generator: generator);
        using var codes = randn([512, 3], generator: generator);
        return new TensorLayerInput(codes.mm(basis));
    }

    private static TensorLayerInput Binary(ulong seed = 6)
    {
        using var generator = new Generator(seed);
        using var prototypes = (rand([4, 16], generator: generator) > 0.5).to(ScalarType.Float32);
        using var pick = randint(0, 4, [400], generator: generator);
        return new TensorLayerInput(prototypes.index_select(0, pick));
    }

    [Fact]
    public void A_linear_autoencoder_learns_low_rank_data_well_below_its_variance()
    {
        using var data = LowRank();
        var variancePerExample = data.Values.var(0).sum().item<float>();
        var options = new AutoencoderOptions
        {
            HiddenUnits = 5, Activation = EncoderActivation.Linear, Loss = ReconstructionLoss.MeanSquaredError,
            Epochs = 60, BatchSize = 32, LearningRate = 0.01,
        };
        using var layer = new AutoencoderTrainer(options).Fit(data, data, RunContext.Create(DeviceSpec.Cpu, 1), "test");

        layer.Metrics["validationReconstruction"].Should().BeLessThan(0.05 * variancePerExample,
            $"a rank-3 signal fits through 5 units (variance per example {variancePerExample:F1})");
    }

    [Fact]
    public void A_denoising_cross_entropy_autoencoder_learns_binary_patterns()
    {
        using var data = Binary();
        var history = new List<EpochReport>();
        var options = new AutoencoderOptions { HiddenUnits = 8, Noise = NoiseKind.Masking, NoiseLevel = 0.2, Epochs = 40, BatchSize = 20, LearningRate = 0.01 };
        using var layer = new AutoencoderTrainer(options).Fit(data, data, RunContext.Create(DeviceSpec.Cpu, 2), "test", new Recorder(history));

        var first = history[0].Metrics["validationReconstruction"];
        var best = layer.Metrics["validationReconstruction"];
        best.Should().BeLessThan(0.25 * first, "cross-entropy of clean inputs falls by at least 75%");
        best.Should().BeLessThan(1.0, "four prototypes are easy to reconstruct from 8 units (16 bits each)");
    }

    [Fact]
    public void The_same_seed_gives_bit_identical_weights_and_tied_decoders_are_the_transpose()
    {
        using var data = Binary();
        var options = new AutoencoderOptions { HiddenUnits = 6, Noise = NoiseKind.SaltAndPepper, NoiseLevel = 0.1, Epochs = 3, BatchSize = 16 };
        using var a = new AutoencoderTrainer(options).Fit(data, null, RunContext.Create(DeviceSpec.Cpu, 9), "a");
        using var b = new AutoencoderTrainer(options).Fit(data, null, RunContext.Create(DeviceSpec.Cpu, 9), "b");
        using var c = new AutoencoderTrainer(options).Fit(data, null, RunContext.Create(DeviceSpec.Cpu, 10), "c");

        a.Weight.Identical(b.Weight).Should().BeTrue();
        a.Weight.Identical(c.Weight).Should().BeFalse();
        a.Extras["decoder.weight"].Identical(a.Weight.t().contiguous()).Should().BeTrue();
        a.Weight.requires_grad.Should().BeFalse();
        using var encoded = a.Encode(data.Values);
        encoded.shape.Should().Equal(400L, 6L);
    }

    [Fact]
    public void Untied_decoders_are_their_own_weights()
    {
        using var data = Binary();
        var options = new AutoencoderOptions { HiddenUnits = 6, TiedWeights = false, Epochs = 2 };
        using var layer = new AutoencoderTrainer(options).Fit(data, null, RunContext.Create(DeviceSpec.Cpu, 3), "u");
        layer.Extras["decoder.weight"].shape.Should().Equal(16L, 6L);
        layer.Extras["decoder.weight"].Identical(layer.Weight.t().contiguous()).Should().BeFalse();
    }

    [Fact]
    public void Early_stopping_keeps_the_best_validation_epoch()
    {
        using var train = Binary(1);
        using var validation = Binary(2);
        var history = new List<EpochReport>();
        var options = new AutoencoderOptions { HiddenUnits = 12, Epochs = 25, BatchSize = 8, LearningRate = 0.05, Patience = 3 };
        using var layer = new AutoencoderTrainer(options).Fit(train, validation, RunContext.Create(DeviceSpec.Cpu, 4), "es", new Recorder(history));

        var best = history.MinBy(h => h.Metrics["validationReconstruction"])!;
        layer.Metrics["bestEpoch"].Should().Be(best.Epoch);
        var model = layer.Metrics["validationReconstruction"];
        model.Should().Be(best.Metrics["validationReconstruction"]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Bfloat16_training_ends_close_to_float32(bool tiedWeights)
    {
        using var data = Binary();
        double Train(Precision precision)
        {
            var options = new AutoencoderOptions { HiddenUnits = 8, Epochs = 30, BatchSize = 20, LearningRate = 0.01, Precision = precision, TiedWeights = tiedWeights };
            using var layer = new AutoencoderTrainer(options).Fit(data, data, RunContext.Create(DeviceSpec.Cpu, 2), "p");
            return layer.Metrics["validationReconstruction"];
        }
        var float32 = Train(Precision.Float32);
        var bfloat16 = Train(Precision.BFloat16);
        bfloat16.Should().BeLessThan(float32 * 1.5 + 0.5, "bfloat16 matrix products cost little reconstruction accuracy");
    }

    [Fact]
    public void Bad_settings_are_refused_before_training_with_the_field_named()
    {
        var act = () => new AutoencoderTrainer(new AutoencoderOptions { HiddenUnits = 0, SparsityTarget = 0.05, Activation = EncoderActivation.Relu }).Describe([784]);
        act.Should().Throw<PretrainException>().WithMessage("*hiddenUnits: expected a positive integer, received 0.*sparsityTarget: the KL sparsity penalty needs sigmoid units*");
    }

    [Fact]
    public void Training_longer_does_not_leave_more_live_tensors_behind()
    {
        using var data = Binary();
        long LiveAfter(int epochs)
        {
            var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            var options = new AutoencoderOptions { HiddenUnits = 4, Epochs = epochs, BatchSize = 50, Noise = NoiseKind.Masking, SparsityTarget = 0.1, ContractiveWeight = 0.1 };
            new AutoencoderTrainer(options).Fit(data, data, RunContext.Create(DeviceSpec.Cpu, 1), "m").Dispose();
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
