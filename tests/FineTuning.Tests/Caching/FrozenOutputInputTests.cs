using Pretrain.FineTuning.Caching;
using Pretrain.FineTuning.Tests.Training;
using Pretrain.FineTuning.Training;
using Pretrain.Pretraining.Data;
using Pretrain.Pretraining.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Tests.Caching;

public sealed class FrozenOutputInputTests
{
    private static Sequential Network(Sequential? sameWeightsAs = null) => CachingTrainerTests.Network(sameWeightsAs: sameWeightsAs);

    [Fact]
    public void Batches_are_the_frozen_outputs_of_the_batches_the_input_would_give_in_the_same_order()
    {
        // 2,550 rows in batches of 100: passes of 1,000 rows (ten batches), the last pass 550 rows, the last batch 50.
        using var data = Blobs.Make(850);
        using var network = Network();
        var (frozen, _) = FrozenPrefix.Split(network, FrozenPrefix.Find(network).Length);
        var through = new FrozenOutputInput(data, frozen);
        through.RowsPerPass.Should().Be(FrozenOutputInput.MaxRowsPerPass);
        through.FeatureCount.Should().Be(8);
        through.SampleShape.Should().Equal(8L);
        through.Count.Should().Be(2550);

        using var shuffleA = new Generator(7);
        using var shuffleB = new Generator(7);
        var expected = data.LabeledBatches(100, shuffleA, CPU).Select(b => (Features: frozen.forward(b.Features).detach(), Labels: b.Labels.clone())).ToList();
        var actual = through.LabeledBatches(100, shuffleB, CPU).Select(b => (Features: b.Features.clone(), Labels: b.Labels.clone())).ToList();

        actual.Should().HaveCount(26);
        actual.Take(25).Should().OnlyContain(b => b.Features.shape[0] == 100);
        actual[^1].Features.shape.Should().Equal(50L, 8L);
        for (var i = 0; i < actual.Count; i++)
        {
            actual[i].Labels.equal(expected[i].Labels).all().item<bool>().Should().BeTrue($"batch {i} holds the same rows");
            actual[i].Features.allclose(expected[i].Features, rtol: 1e-5, atol: 1e-6).Should().BeTrue($"batch {i}'s features are the frozen layers' outputs");
        }
    }

    [Fact]
    public void Training_the_head_on_recomputed_outputs_is_training_the_whole_network_batch_by_batch()
    {
        using var data = Blobs.Make(30);
        var options = new SupervisedTrainingOptions { Epochs = 4, BatchSize = 10 };
        using var initial = Network();
        using var whole = Network(sameWeightsAs: initial);
        using var recomputed = Network(sameWeightsAs: initial);

        new SupervisedTrainer(options).Fit(whole, data, data, RunContext.Create(DeviceSpec.Cpu, 5));
        new CachingTrainer(options) { CacheFrozenLayers = false }.Fit(recomputed, data, data, RunContext.Create(DeviceSpec.Cpu, 5));

        var a = whole.state_dict();
        var b = recomputed.state_dict();
        foreach (var name in a.Keys)
            a[name].allclose(b[name], rtol: 1e-4, atol: 1e-6).Should().BeTrue($"{name} must be what training the whole network gives");
        b["head.weight"].equal(initial.state_dict()["head.weight"]).all().item<bool>().Should().BeFalse("the head trained");
    }

    [Fact]
    public void Soft_targets_train_the_head_on_recomputed_outputs_as_the_whole_network_would()
    {
        using var blobs = Blobs.Make(30);
        using var targets = nn.functional.softmax(blobs.Features.narrow(1, 0, 3) * 2, 1);
        using var soft = new SoftLabeledExamples(blobs.Features.clone(), targets.clone(), [4], "soft blobs");
        var options = new SupervisedTrainingOptions { Epochs = 3, BatchSize = 10 };
        using var initial = Network();
        using var whole = Network(sameWeightsAs: initial);
        using var recomputed = Network(sameWeightsAs: initial);

        new SupervisedTrainer(options).Fit(whole, soft, null, RunContext.Create(DeviceSpec.Cpu, 5));
        new CachingTrainer(options).Fit(recomputed, soft, null, RunContext.Create(DeviceSpec.Cpu, 5));

        whole.state_dict()["head.weight"].allclose(recomputed.state_dict()["head.weight"], rtol: 1e-4, atol: 1e-6).Should().BeTrue();
        recomputed.state_dict()["head.weight"].equal(initial.state_dict()["head.weight"]).all().item<bool>().Should().BeFalse("the head trained");
    }
}
