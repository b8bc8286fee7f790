using Pretrain.FineTuning.Freezing;
using Pretrain.FineTuning.Networks;
using Pretrain.FineTuning.Training;
using Pretrain.Pretraining.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Tests.Training;

public sealed class GradualUnfreezingTests
{
    private static TorchSharp.Modules.Sequential Network(TorchSharp.Modules.Sequential? sameWeightsAs = null)
    {
        var network = MlpBuilder.Build(new MlpSpec(4, [6, 6], 3, ActivationKind.Sigmoid), seed: 1);
        if (sameWeightsAs is not null)
            SameWeights.Copy(sameWeightsAs, network);
        return network;
    }

    [Fact]
    public void The_trainable_set_grows_from_the_top_on_schedule()
    {
        using var network = Network();
        var groups = LayerGroups.Of(network);
        var schedule = new TrainableSchedule(groups, new SupervisedTrainingOptions { UnfreezeEveryEpochs = 2 });
        var context = RunContext.Create(DeviceSpec.Cpu, 1);
        var seen = new List<string>();
        for (var epoch = 1; epoch <= 7; epoch++)
        {
            schedule.Apply(epoch, context);
            seen.Add(string.Join("+", groups.TrainableNames));
        }
        seen.Should().Equal("head", "head", "hidden2+head", "hidden2+head", "hidden1+hidden2+head", "hidden1+hidden2+head", "hidden1+hidden2+head");
    }

    [Fact]
    public void Layers_frozen_at_the_start_train_after_unfreeze_after_epochs()
    {
        using var network = Network();
        var groups = LayerGroups.Of(network);
        Freezer.FreezeTo(groups, 2);
        var schedule = new TrainableSchedule(groups, new SupervisedTrainingOptions { UnfreezeAfterEpochs = 2 });
        var context = RunContext.Create(DeviceSpec.Cpu, 1);
        var seen = new List<(string, bool)>();
        for (var epoch = 1; epoch <= 4; epoch++)
        {
            var changed = schedule.Apply(epoch, context);
            seen.Add((string.Join("+", groups.TrainableNames), changed));
        }
        seen.Should().Equal(("head", false), ("head", false), ("hidden1+hidden2+head", true), ("hidden1+hidden2+head", false));
    }

    [Fact]
    public void Layers_frozen_for_the_first_epochs_change_only_afterwards()
    {
        using var data = Blobs.Make(20);
        Dictionary<string, Tensor> Train(int epochs, out Dictionary<string, Tensor> before)
        {
            var network = Network();
            Freezer.FreezeTo(LayerGroups.Of(network), 2);
            before = network.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
            new SupervisedTrainer(new SupervisedTrainingOptions { Epochs = epochs, BatchSize = 10, UnfreezeAfterEpochs = 2 }).Fit(network, data, null, RunContext.Create(DeviceSpec.Cpu, 1));
            return network.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        }
        var afterTwo = Train(2, out var start);
        afterTwo["hidden1.weight"].equal(start["hidden1.weight"]).all().item<bool>().Should().BeTrue("hidden1 is frozen for 2 epochs");
        afterTwo["head.weight"].equal(start["head.weight"]).all().item<bool>().Should().BeFalse();
        var afterThree = Train(3, out _);
        afterThree["hidden1.weight"].equal(start["hidden1.weight"]).all().item<bool>().Should().BeFalse("every layer trains from epoch 3");
    }

    [Fact]
    public void Layers_still_frozen_by_the_schedule_do_not_change()
    {
        using var data = Blobs.Make(20);
        using var network = Network();
        var before = network.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        new SupervisedTrainer(new SupervisedTrainingOptions { Epochs = 3, BatchSize = 10, UnfreezeEveryEpochs = 2 }).Fit(network, data, null, RunContext.Create(DeviceSpec.Cpu, 1));
        var after = network.state_dict();
        after["hidden1.weight"].equal(before["hidden1.weight"]).all().item<bool>().Should().BeTrue("hidden1 is unfrozen only at epoch 5");
        after["hidden2.weight"].equal(before["hidden2.weight"]).all().item<bool>().Should().BeFalse("hidden2 trains from epoch 3");
        after["head.weight"].equal(before["head.weight"]).all().item<bool>().Should().BeFalse();
    }

    [Fact]
    public void Discriminative_rates_scale_each_layer_below_the_top()
    {
        using var data = Blobs.Make(4);
        using var initial = Network();
        Tensor Step(double factor)
        {
            using var network = Network(sameWeightsAs: initial);
            var before = network.state_dict()["hidden1.weight"].clone();
            // One batch, plain SGD: the first update is exactly -rate * gradient, and the gradient does not depend on the rate.
            new SupervisedTrainer(new SupervisedTrainingOptions { Epochs = 1, BatchSize = 12, Optimizer = OptimizerKind.Sgd, LearningRate = 0.5, LayerLearningRateFactor = factor })
                .Fit(network, data, null, RunContext.Create(DeviceSpec.Cpu, 2));
            return network.state_dict()["hidden1.weight"] - before;
        }
        using var full = Step(1);
        using var scaled = Step(0.5);
        scaled.allclose(full * 0.25, rtol: 1e-4, atol: 1e-7).Should().BeTrue("hidden1 is two layers below the head: 0.5^2 of the rate");
    }

    [Fact]
    public void Discriminative_rates_are_logged_layer_by_layer()
    {
        using var data = Blobs.Make(4);
        using var network = Network();
        var log = new RecordingLogger();
        new SupervisedTrainer(new SupervisedTrainingOptions { Epochs = 1, BatchSize = 12, LearningRate = 0.004, LayerLearningRateFactor = 0.5 })
            .Fit(network, data, null, RunContext.Create(DeviceSpec.Cpu, 2, log));
        log.Messages.Should().Contain(m => m.StartsWith("Learning rates by layer", StringComparison.Ordinal))
            .Which.Should().EndWith("hidden1 0.001, hidden2 0.002, head 0.004");
    }

    private sealed class RecordingLogger : Microsoft.Extensions.Logging.ILogger
    {
        public List<string> Messages { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Add(formatter(state, exception));
    }
}
