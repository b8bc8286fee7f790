using Pretrain.FineTuning.Networks;
using Pretrain.FineTuning.Training;
using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Tests.Training;

/// <summary>Fine-tuning killed part-way resumes from its per-epoch checkpoint exactly.</summary>
public sealed class SupervisedCheckpointTests : IDisposable
{
    private static readonly MlpSpec Spec = new(4, [12, 12], 3, ActivationKind.Relu, 0.3);

    // Everything that carries state from epoch to epoch: Adam's moments, shuffling, dropout masks, a per-batch
    // schedule, gradual unfreezing (which rebuilds the optimizer) and early stopping's best epoch.
    private static readonly SupervisedTrainingOptions Options = new()
    {
        Epochs = 8, BatchSize = 16, LearningRate = 0.01, Schedule = LearningRateSchedule.OneCycle, UnfreezeEveryEpochs = 3,
        LayerLearningRateFactor = 0.5, Patience = 20,
    };

    private readonly string _folder = Directory.CreateTempSubdirectory("pretrain-finetune-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(false, 4)]
    [InlineData(true, 2)]   // stopped while the lower layers are still frozen
    [InlineData(true, 4)]   // and after they were unfrozen
    public void Fine_tuning_stopped_after_an_epoch_resumes_and_ends_with_the_weights_and_metrics_of_an_uninterrupted_run(bool unfreezeAfter, int stopAfter)
    {
        // Either gradual unfreezing, or the two lower layers frozen for 3 epochs and then all trained (unfreezeAfterEpochs).
        var options = unfreezeAfter ? Options with { UnfreezeEveryEpochs = null, UnfreezeAfterEpochs = 3 } : Options;
        TorchSharp.Modules.Sequential Network(ulong seed)
        {
            var network = MlpBuilder.Build(Spec, seed);
            if (unfreezeAfter)
                Pretrain.FineTuning.Freezing.Freezer.FreezeTo(Pretrain.FineTuning.Freezing.LayerGroups.Of(network), 2);
            return network;
        }
        using var train = Blobs.Make(40, spread: 1.5);
        using var validation = Blobs.Make(20, seed: 2, spread: 1.5);
        var context = RunContext.Create(DeviceSpec.Cpu, 4);

        using var reference = Network(1);
        var expected = new SupervisedTrainer(options).Fit(reference, train, validation, context);

        var checkpoint = new EpochCheckpoint(Path.Combine(_folder, "supervised.safetensors"));
        using (var cancellation = new CancellationTokenSource())
        using (var interrupted = Network(1))
        {
            var stopping = RunContext.Create(DeviceSpec.Cpu, 4, cancellation: cancellation.Token);
            var act = () => new SupervisedTrainer(options).Fit(interrupted, train, validation, stopping, new CancelAfter(stopAfter, cancellation), checkpoint);
            act.Should().Throw<OperationCanceledException>();
        }
        // A network built from another seed (other weights, other dropout seeds): the checkpoint must restore all of it.
        using var resumed = Network(2);
        var history = new SupervisedTrainer(options).Fit(resumed, train, validation, context, checkpoint: checkpoint);

        history.BestEpoch.Should().Be(expected.BestEpoch);
        history.Epochs.Select(e => (e.Epoch, e.TrainLoss, e.ValidationLoss, e.ValidationAccuracy))
            .Should().Equal(expected.Epochs.Select(e => (e.Epoch, e.TrainLoss, e.ValidationLoss, e.ValidationAccuracy)));
        ParameterValues.Of(resumed).Should().Equal(ParameterValues.Of(reference));
        LayerTrainable(resumed).Should().Equal(LayerTrainable(reference), "the freeze state of the last epoch is restored too");
    }

    [Fact]
    public void Two_runs_with_the_same_seed_draw_the_same_dropout_masks_whatever_runs_in_between()
    {
        float[] Train(bool disturb)
        {
            using var train = Blobs.Make(30);
            using var network = MlpBuilder.Build(Spec, seed: 5);
            if (disturb)
                using (var noise = rand(1000))
                    _ = noise.sum().item<float>(); // draws from libtorch's global generator, which nothing in training uses
            new SupervisedTrainer(Options with { Patience = null, UnfreezeEveryEpochs = null }).Fit(network, train, null, RunContext.Create(DeviceSpec.Cpu, 9));
            return ParameterValues.Of(network);
        }

        Train(disturb: false).Should().Equal(Train(disturb: true));
    }

    private static bool[] LayerTrainable(nn.Module network) => network.parameters().Select(p => p.requires_grad).ToArray();
}
