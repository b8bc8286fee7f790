using Pretrain.FineTuning.Caching;
using Pretrain.FineTuning.Freezing;
using Pretrain.FineTuning.Networks;
using Pretrain.FineTuning.Tests.Training;
using Pretrain.FineTuning.Training;
using Pretrain.Pretraining.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Tests.Caching;

public sealed class CachingTrainerTests
{
    private static Sequential Network(double dropout = 0, Sequential? sameWeightsAs = null)
    {
        var network = MlpBuilder.Build(new MlpSpec(4, [8, 8], 3, ActivationKind.Sigmoid, dropout), seed: 1);
        if (sameWeightsAs is not null)
            SameWeights.Copy(sameWeightsAs, network);
        Freezer.FreezeTo(LayerGroups.Of(network), 2);
        return network;
    }

    [Fact]
    public void The_frozen_deterministic_bottom_is_found_and_dropout_stops_it()
    {
        using var plain = Network();
        FrozenPrefix.Find(plain).Should().Be(new FrozenPrefix.Plan(4, "head is trainable"));
        using var withDropout = Network(dropout: 0.5);
        FrozenPrefix.Find(withDropout).Should().Be(new FrozenPrefix.Plan(2, "drop1 is stochastic (dropout draws a new mask every epoch)"));
        using var unfrozen = MlpBuilder.Build(new MlpSpec(4, [8], 3, ActivationKind.Relu), seed: 2);
        FrozenPrefix.Find(unfrozen).Length.Should().Be(0);
    }

    [Fact]
    public void Cached_and_uncached_training_reach_the_same_weights_and_leave_frozen_layers_untouched()
    {
        using var data = Blobs.Make(30);
        var options = new SupervisedTrainingOptions { Epochs = 4, BatchSize = 10 };
        using var initial = Network();
        using var cached = Network(sameWeightsAs: initial);
        using var uncached = Network(sameWeightsAs: initial);
        var frozenBefore = cached.state_dict().Where(p => !p.Key.StartsWith("head", StringComparison.Ordinal)).ToDictionary(p => p.Key, p => p.Value.clone());

        new CachingTrainer(options).Fit(cached, data, data, RunContext.Create(DeviceSpec.Cpu, 5));
        new CachingTrainer(options) { CacheFrozenLayers = false }.Fit(uncached, data, data, RunContext.Create(DeviceSpec.Cpu, 5));

        var a = cached.state_dict();
        var b = uncached.state_dict();
        foreach (var name in a.Keys)
            a[name].allclose(b[name], rtol: 1e-4, atol: 1e-6).Should().BeTrue($"{name} must not depend on caching");
        foreach (var (name, before) in frozenBefore)
            a[name].equal(before).all().item<bool>().Should().BeTrue($"{name} is frozen");
        a["head.weight"].equal(initial.state_dict()["head.weight"]).all().item<bool>().Should().BeFalse("the head trained");
    }
}
