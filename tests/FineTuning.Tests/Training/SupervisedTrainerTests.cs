using Pretrain.FineTuning.Evaluation;
using Pretrain.FineTuning.Networks;
using Pretrain.FineTuning.Training;
using Pretrain.Pretraining.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Tests.Training;

public sealed class SupervisedTrainerTests
{
    private static readonly MlpSpec Spec = new(4, [16], 3, ActivationKind.Relu);

    [Fact]
    public void An_mlp_learns_separable_blobs()
    {
        using var train = Blobs.Make(60);
        using var validation = Blobs.Make(30, seed: 1);
        var context = RunContext.Create(DeviceSpec.Cpu, 3);
        using var model = MlpBuilder.Build(Spec, seed: 1);
        var before = ClassificationEvaluator.Evaluate(model, validation, CPU);

        var history = new SupervisedTrainer(new SupervisedTrainingOptions { Epochs = 15, BatchSize = 16, LearningRate = 0.01 })
            .Fit(model, train, validation, context);

        var after = ClassificationEvaluator.Evaluate(model, validation, CPU);
        after.Accuracy.Should().BeGreaterThan(0.95);
        after.Loss.Should().BeLessThan(before.Loss * 0.3);
        history.Epochs.Should().HaveCount(15);
        history.Epochs[^1].TrainLoss.Should().BeLessThan(history.Epochs[0].TrainLoss);
    }

    [Fact]
    public void The_same_seed_gives_bit_identical_weights_on_the_cpu()
    {
        float[] Train(int seed)
        {
            using var data = Blobs.Make(20);
            var context = RunContext.Create(DeviceSpec.Cpu, seed);
            using var model = MlpBuilder.Build(Spec, seed: 2);
            new SupervisedTrainer(new SupervisedTrainingOptions { Epochs = 3, BatchSize = 8 }).Fit(model, data, null, context);
            return model.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
        }

        Train(9).Should().Equal(Train(9));
        Train(9).Should().NotEqual(Train(10));
    }

    [Fact]
    public void Early_stopping_restores_the_weights_of_the_best_validation_epoch()
    {
        using var train = Blobs.Make(20, spread: 2.5);
        using var validation = Blobs.Make(20, seed: 1, spread: 2.5);
        var context = RunContext.Create(DeviceSpec.Cpu, 4);
        using var model = MlpBuilder.Build(new MlpSpec(4, [64], 3, ActivationKind.Relu), seed: 3);
        var history = new SupervisedTrainer(new SupervisedTrainingOptions { Epochs = 40, BatchSize = 8, LearningRate = 0.03, Patience = 3 })
            .Fit(model, train, validation, context);

        var best = history.Epochs.Max(e => e.ValidationAccuracy!.Value);
        history.Epochs.Single(e => e.Epoch == history.BestEpoch).ValidationAccuracy.Should().Be(best);
        ClassificationEvaluator.Evaluate(model, validation, CPU).Accuracy.Should().Be(best);
        if (history.StoppedEarly)
            history.Epochs.Should().HaveCount(history.BestEpoch + 3);
    }

    [Fact]
    public void Cancellation_stops_training_within_a_batch()
    {
        using var data = Blobs.Make(20);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var context = RunContext.Create(DeviceSpec.Cpu, 1, cancellation: cancelled.Token);
        using var model = MlpBuilder.Build(Spec, seed: 4);
        var act = () => new SupervisedTrainer(new SupervisedTrainingOptions { Epochs = 3 }).Fit(model, data, null, context);
        act.Should().Throw<OperationCanceledException>();
    }

    [Fact]
    public void Training_longer_does_not_leave_more_live_tensors_behind()
    {
        using var data = Blobs.Make(20);
        var context = RunContext.Create(DeviceSpec.Cpu, 1);
        using var model = MlpBuilder.Build(Spec, seed: 5);
        long LiveAfter(int epochs)
        {
            var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            new SupervisedTrainer(new SupervisedTrainingOptions { Epochs = epochs, BatchSize = 8 }).Fit(model, data, data, context);
            return DisposeScopeManager.Statistics.ThreadTotalLiveCount - before;
        }

        LiveAfter(1);
        var leakAfterTwo = LiveAfter(2);
        var leakAfterEight = LiveAfter(8);
        leakAfterEight.Should().BeLessThanOrEqualTo(leakAfterTwo, "live tensors must not grow with the number of epochs");
    }
}
