using Pretrain.FineTuning.Networks;
using Pretrain.FineTuning.Training;
using Pretrain.Pretraining.Runtime;

namespace Pretrain.FineTuning.Tests.Training;

public sealed class LearningRateScheduleTests
{
    [Fact]
    public void Each_schedule_gives_its_documented_factor()
    {
        LearningRateSchedules.Factor(LearningRateSchedule.None, 7, 0.5, 10).Should().Be(1);
        LearningRateSchedules.Factor(LearningRateSchedule.Step, 10, 0, 30, stepEpochs: 10).Should().Be(1);
        LearningRateSchedules.Factor(LearningRateSchedule.Step, 11, 0, 30, stepEpochs: 10).Should().BeApproximately(0.1, 1e-12);
        LearningRateSchedules.Factor(LearningRateSchedule.Exponential, 3, 0, 30, gamma: 0.5).Should().Be(0.25);
        LearningRateSchedules.Factor(LearningRateSchedule.Cosine, 1, 0, 10).Should().Be(1);
        LearningRateSchedules.Factor(LearningRateSchedule.Cosine, 6, 0, 10).Should().BeApproximately(0.5, 1e-12);
        LearningRateSchedules.Factor(LearningRateSchedule.OneCycle, 1, 0, 10).Should().BeApproximately(1.0 / 25, 1e-12);
        LearningRateSchedules.Factor(LearningRateSchedule.OneCycle, 4, 0, 10).Should().BeApproximately(1, 1e-12, "the peak is at 30% of training");
        LearningRateSchedules.Factor(LearningRateSchedule.OneCycle, 10, 1, 10).Should().BeApproximately(1.0 / 250000, 1e-12);
    }

    [Fact]
    public void A_one_cycle_run_learns()
    {
        using var data = Blobs.Make(30);
        using var network = MlpBuilder.Build(new MlpSpec(4, [16], 3, ActivationKind.Relu), seed: 1);
        var history = new SupervisedTrainer(new SupervisedTrainingOptions { Epochs = 12, BatchSize = 10, LearningRate = 0.02, Schedule = LearningRateSchedule.OneCycle })
            .Fit(network, data, data, RunContext.Create(DeviceSpec.Cpu, 1));
        history.Epochs[^1].ValidationAccuracy.Should().BeGreaterThan(0.9);
    }
}
