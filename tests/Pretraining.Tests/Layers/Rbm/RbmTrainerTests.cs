using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Layers.Rbm;
using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Layers.Rbm;

public sealed class RbmTrainerTests
{
    private static List<EpochReport> Train(RbmOptions options, ILayerInput data, int seed = 1)
    {
        var history = new List<EpochReport>();
        new RbmTrainer(options).Fit(data, data, RunContext.Create(DeviceSpec.Cpu, seed), "rbm", new Recorder(history)).Dispose();
        return history;
    }

    [Theory]
    [InlineData(false, 0.1)]
    [InlineData(true, 0.02)]
    public void An_rbm_learns_bars_and_stripes(bool persistent, double learningRate)
    {
        using var data = BarsAndStripes.Make();
        var history = Train(new RbmOptions { HiddenUnits = 24, Epochs = 40, BatchSize = 10, LearningRate = learningRate, Persistent = persistent, WeightDecay = 0 }, data);

        var first = history[0].Metrics;
        var last = history[^1].Metrics;
        last["reconstructionError"].Should().BeLessThan(0.5 * first["reconstructionError"], "reconstruction error halves");
        last["pseudoLogLikelihood"].Should().BeGreaterThan(first["pseudoLogLikelihood"] + 1.0, "pseudo-log-likelihood rises by more than a nat");
    }

    [Fact]
    public void A_gaussian_rbm_learns_standardized_data()
    {
        using var generator = new Generator(3);
        using var basis = randn([2, 8], generator: generator);
        using var raw = randn([300, 2], generator: generator).mm(basis) + randn([300, 8], generator: generator) * 0.1;
        using var data = new TensorLayerInput(((raw - raw.mean([0])) / raw.std(0)).contiguous());
        var history = Train(new RbmOptions { HiddenUnits = 16, Visible = VisibleUnits.Gaussian, LearningRate = 0.005, Epochs = 30, BatchSize = 20 }, data);
        history[^1].Metrics["reconstructionError"].Should().BeLessThan(0.6 * history[0].Metrics["reconstructionError"]);
        history[^1].Metrics.Should().NotContainKey("pseudoLogLikelihood", "it is defined for binary units only");
    }

    [Fact]
    public void The_same_seed_gives_bit_identical_weights_and_the_encoder_gives_probabilities()
    {
        using var data = BarsAndStripes.Make(5);
        var options = new RbmOptions { HiddenUnits = 6, Epochs = 3, BatchSize = 8, Persistent = true, CdSteps = 2 };
        using var a = new RbmTrainer(options).Fit(data, null, RunContext.Create(DeviceSpec.Cpu, 4), "a");
        using var b = new RbmTrainer(options).Fit(data, null, RunContext.Create(DeviceSpec.Cpu, 4), "b");
        using var c = new RbmTrainer(options).Fit(data, null, RunContext.Create(DeviceSpec.Cpu, 5), "c");
        a.Weight.Identical(b.Weight).Should().BeTrue();
        a.Weight.Identical(c.Weight).Should().BeFalse();
        a.Weight.requires_grad.Should().BeFalse();
        a.Extras["visible.bias"].shape.Should().Equal(16L);
        using var hidden = a.Encode(data.Values);
        hidden.shape.Should().Equal(data.Count, 6L);
        (hidden.min().item<float>() > 0 && hidden.max().item<float>() < 1).Should().BeTrue();
    }

    [Fact]
    public void Early_stopping_keeps_the_best_validation_epoch()
    {
        using var data = BarsAndStripes.Make(3);
        var history = new List<EpochReport>();
        using var layer = new RbmTrainer(new RbmOptions { HiddenUnits = 50, Epochs = 30, BatchSize = 4, LearningRate = 0.3, Patience = 2 })
            .Fit(data, data, RunContext.Create(DeviceSpec.Cpu, 2), "es", new Recorder(history));
        var best = history.MinBy(h => h.Metrics["validationReconstructionError"])!;
        layer.Metrics["bestEpoch"].Should().Be(best.Epoch);
        layer.Metrics["validationReconstructionError"].Should().Be(best.Metrics["validationReconstructionError"]);
    }

    [Theory]
    [InlineData(1, false, null)]
    [InlineData(3, true, 0.1)]
    public void Bfloat16_training_ends_close_to_float32(int cdSteps, bool persistent, double? sparsityTarget)
    {
        using var data = BarsAndStripes.Make();
        double Error(Precision precision) =>
            Train(new RbmOptions { HiddenUnits = 24, Epochs = 20, BatchSize = 10, LearningRate = 0.1, Precision = precision,
                CdSteps = cdSteps, Persistent = persistent, SparsityTarget = sparsityTarget }, data)[^1].Metrics["reconstructionError"];
        var float32 = Error(Precision.Float32);
        Error(Precision.BFloat16).Should().BeLessThan(float32 * 1.3 + 0.1);
    }

    [Fact]
    public void Bad_settings_are_refused_with_the_field_named()
    {
        var act = () => new RbmTrainer(new RbmOptions { HiddenUnits = 10, CdSteps = 0, Visible = VisibleUnits.Gaussian, SampleVisibleInputs = true }).Describe([16]);
        act.Should().Throw<PretrainException>().WithMessage("rbm layer: cdSteps: expected a positive integer, received 0.*sampleVisibleInputs*");
    }

    [Fact]
    public void Training_longer_does_not_leave_more_live_tensors_behind()
    {
        using var data = BarsAndStripes.Make(4);
        long LiveAfter(int epochs)
        {
            var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            new RbmTrainer(new RbmOptions { HiddenUnits = 8, Epochs = epochs, BatchSize = 16, Persistent = true, SparsityTarget = 0.1 })
                .Fit(data, data, RunContext.Create(DeviceSpec.Cpu, 1), "m").Dispose();
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
