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
    /// <summary>4-8-8-3 sigmoid network, seed 1, its two hidden layers frozen (shared with <see cref="FrozenOutputInputTests"/>).</summary>
    internal static Sequential Network(double dropout = 0, Sequential? sameWeightsAs = null)
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

    [Fact]
    public void Augmentation_switches_caching_off_and_trains_the_same_as_an_uncached_run()
    {
        using var blobs = Blobs.Make(30);
        using var data = blobs.WithFeatures(blobs.Features.clone(), [2, 2]);
        var options = new SupervisedTrainingOptions { Epochs = 3, BatchSize = 10, Augmentation = new Pretrain.FineTuning.Augmentation.ImageAugmentationOptions { Shift = 1, HorizontalFlip = true } };
        using var initial = Network();
        using var augmented = Network(sameWeightsAs: initial);
        using var uncached = Network(sameWeightsAs: initial);
        using var plain = Network(sameWeightsAs: initial);

        // Cached, the head would see 8 hidden features, which are no image: augmentation would be refused.
        new CachingTrainer(options).Fit(augmented, data, data, RunContext.Create(DeviceSpec.Cpu, 5));
        new CachingTrainer(options) { CacheFrozenLayers = false }.Fit(uncached, data, data, RunContext.Create(DeviceSpec.Cpu, 5));
        new CachingTrainer(options with { Augmentation = null }).Fit(plain, data, data, RunContext.Create(DeviceSpec.Cpu, 5));

        augmented.state_dict()["head.weight"].allclose(uncached.state_dict()["head.weight"], rtol: 0, atol: 0).Should().BeTrue();
        augmented.state_dict()["head.weight"].allclose(plain.state_dict()["head.weight"], rtol: 1e-4, atol: 1e-6).Should().BeFalse("augmentation changed what the head saw");
    }
}
