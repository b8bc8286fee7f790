using Pretrain.FineTuning.Caching;
using Pretrain.FineTuning.Evaluation;
using Pretrain.FineTuning.Freezing;
using Pretrain.FineTuning.Networks;
using Pretrain.FineTuning.Training;
using Pretrain.Pretraining.Data.Shards;
using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Tests.Training;

/// <summary>
/// Fine-tuning on labeled examples streamed from shards (<see cref="ShardedLayerInput"/> as the training and validation
/// input): 600 blobs in 8 dimensions, written in a random order as 15 shards of 40 rows and read through a window of 100
/// rows; every fifth row is the validation split.
/// </summary>
public sealed class StreamedFineTuningTests : IDisposable
{
    private const int Rows = 600, RowsPerShard = 40, WindowRows = 100, Width = 8;
    private const long RowBytes = Width * sizeof(float) + sizeof(long);
    private static readonly MlpSpec Spec = new(Width, [16], 3, ActivationKind.Relu, 0.2);

    private static readonly SupervisedTrainingOptions Options = new()
    {
        Epochs = 6, BatchSize = 16, LearningRate = 0.01, Schedule = LearningRateSchedule.OneCycle, Patience = 20,
    };

    private readonly string _folder = Directory.CreateTempSubdirectory("pretrain-streamed-finetune-").FullName;

    public StreamedFineTuningTests()
    {
        using var scope = NewDisposeScope();
        using var blobs = Blobs.Make(Rows / 3, dimensions: Width, spread: 1.0);
        // Blobs come sorted by class; shards hold a random order, as docs/scaling.md asks.
        using var generator = new Generator(3);
        var order = randperm(Rows, generator: generator);
        using var writer = new ShardWriter(_folder, [Width], labeled: true, RowsPerShard) { ClassCount = 3, Source = "blobs" };
        writer.Append(blobs.Features.index_select(0, order), blobs.Labels!.index_select(0, order));
        writer.Complete();
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>The training rows (validation: false) or the validation rows (every fifth), streamed.</summary>
    private ShardedLayerInput Stream(bool validation)
    {
        using var scope = NewDisposeScope();
        var rows = arange(Rows).remainder(5);
        return new ShardedLayerInput(ShardSet.Open(_folder), WindowRows * RowBytes, validation ? rows.eq(0) : rows.ne(0));
    }

    [Fact]
    public void Fine_tuning_streamed_through_a_small_window_learns_a_separable_problem()
    {
        using var train = Stream(validation: false);
        using var validation = Stream(validation: true);
        using var network = MlpBuilder.Build(Spec, seed: 1);
        var context = RunContext.Create(DeviceSpec.Cpu, 4);

        var before = ClassificationEvaluator.Evaluate(network, validation, CPU).Accuracy;
        var history = new SupervisedTrainer(Options).Fit(network, train, validation, context);
        var after = ClassificationEvaluator.Evaluate(network, validation, CPU);

        after.Count.Should().Be(Rows / 5);
        after.Accuracy.Should().BeGreaterThan(0.95, "three well-separated blobs are easy (accuracy before training: {0:P0})", before);
        history.Epochs.Should().HaveCount(Options.Epochs);
        history.Epochs[^1].TrainLoss.Should().BeLessThan(history.Epochs[0].TrainLoss);
        train.Count.Should().Be(Rows - Rows / 5);
        train.PeakHeldBytes.Should().BeLessThanOrEqualTo((WindowRows + RowsPerShard) * RowBytes, "the window and one shard bound what is resident");
    }

    [Fact]
    public void The_same_seed_gives_the_same_network_and_another_seed_another_shuffle()
    {
        float[] Train(int seed)
        {
            using var train = Stream(validation: false);
            using var network = MlpBuilder.Build(Spec, seed: 1);
            new SupervisedTrainer(Options with { Patience = null, Epochs = 3 }).Fit(network, train, null, RunContext.Create(DeviceSpec.Cpu, seed));
            return ParameterValues.Of(network);
        }

        var first = Train(4);
        Train(4).Should().Equal(first);
        Train(5).Should().NotEqual(first, "the shard order and the window shuffles come from the run's seed");
    }

    [Fact]
    public void Fine_tuning_stopped_after_an_epoch_resumes_to_the_result_of_an_uninterrupted_run()
    {
        using var train = Stream(validation: false);
        using var validation = Stream(validation: true);
        var context = RunContext.Create(DeviceSpec.Cpu, 4);
        using var reference = MlpBuilder.Build(Spec, seed: 1);
        var expected = new SupervisedTrainer(Options).Fit(reference, train, validation, context);

        // Next to the shards (which the manifest lists, so a stray file there is ignored), deleted with them.
        var checkpoint = new EpochCheckpoint(Path.Combine(_folder, "checkpoints", "supervised.safetensors"));
        using (var cancellation = new CancellationTokenSource())
        using (var interrupted = MlpBuilder.Build(Spec, seed: 1))
        {
            var stopping = RunContext.Create(DeviceSpec.Cpu, 4, cancellation: cancellation.Token);
            var act = () => new SupervisedTrainer(Options).Fit(interrupted, train, validation, stopping, new CancelAfter(2, cancellation), checkpoint);
            act.Should().Throw<OperationCanceledException>();
        }
        // Other weights and dropout seeds: the checkpoint restores them, and the shuffling generator fixes epoch 3's order.
        using var resumed = MlpBuilder.Build(Spec, seed: 2);
        var history = new SupervisedTrainer(Options).Fit(resumed, train, validation, context, checkpoint: checkpoint);

        history.Epochs.Select(e => (e.Epoch, e.TrainLoss, e.ValidationLoss, e.ValidationAccuracy))
            .Should().Equal(expected.Epochs.Select(e => (e.Epoch, e.TrainLoss, e.ValidationLoss, e.ValidationAccuracy)));
        ParameterValues.Of(resumed).Should().Equal(ParameterValues.Of(reference));
    }

    [Fact]
    public void Streamed_training_longer_does_not_leave_more_live_tensors_behind()
    {
        using var train = Stream(validation: false);
        using var validation = Stream(validation: true);
        var context = RunContext.Create(DeviceSpec.Cpu, 1);
        using var model = MlpBuilder.Build(Spec, seed: 5);
        long LiveAfter(int epochs)
        {
            var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            new SupervisedTrainer(new SupervisedTrainingOptions { Epochs = epochs, BatchSize = 16 }).Fit(model, train, validation, context);
            return DisposeScopeManager.Statistics.ThreadTotalLiveCount - before;
        }

        LiveAfter(1);
        LiveAfter(6).Should().BeLessThanOrEqualTo(LiveAfter(2), "live tensors must not grow with the number of epochs");
    }

    [Fact]
    public void A_frozen_bottom_over_streamed_examples_is_computed_a_window_at_a_time_and_the_head_learns()
    {
        using var train = Stream(validation: false);
        using var validation = Stream(validation: true);
        using var network = MlpBuilder.Build(Spec with { Dropout = 0 }, seed: 1);
        Freezer.FreezeTo(LayerGroups.Of(network), 1);
        var frozenBefore = network.state_dict()["hidden1.weight"].clone();
        var headBefore = network.state_dict()["head.weight"].clone();

        new CachingTrainer(Options).Fit(network, train, validation, RunContext.Create(DeviceSpec.Cpu, 4));

        network.state_dict()["hidden1.weight"].equal(frozenBefore).all().item<bool>().Should().BeTrue("the bottom is frozen");
        network.state_dict()["head.weight"].equal(headBefore).all().item<bool>().Should().BeFalse("the head trained");
        ClassificationEvaluator.Evaluate(network, validation, CPU).Accuracy.Should().BeGreaterThan(0.9, "16 random ReLU features of three separated blobs still separate them");
        // Passes of at most a window: 96 rows (6 batches of 16) here, not the 1,024 rows of examples in memory.
        new FrozenOutputInput(train, FrozenPrefix.Split(network, 2).Frozen).RowsPerPass.Should().Be(WindowRows);
        train.PeakHeldBytes.Should().BeLessThanOrEqualTo((WindowRows + RowsPerShard) * RowBytes, "the window and one shard bound what is resident");
    }
}
