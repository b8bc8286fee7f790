using Pretrain.FineTuning.Training;
using Pretrain.Pretraining.Validation;

namespace Pretrain.FineTuning.Tests.Training;

public sealed class SupervisedTrainingOptionsTests
{
    [Fact]
    public void The_defaults_are_valid()
    {
        new SupervisedTrainingOptions().Problems().Should().BeEmpty();
    }

    [Fact]
    public void A_library_caller_gets_the_field_path_and_the_recipe_wording()
    {
        var act = () => new SupervisedTrainer(new SupervisedTrainingOptions { Epochs = 0 });

        var error = act.Should().Throw<InvalidOptionsException>().Which;
        error.Problems.Should().ContainSingle().Which.Should().Be(new OptionProblem("epochs", "expected a positive integer, received 0."));
        error.Message.Should().Be("supervised training: epochs: expected a positive integer, received 0.");
    }

    [Fact]
    public void Every_out_of_range_field_is_named_with_its_path()
    {
        var options = new SupervisedTrainingOptions
        {
            BatchSize = 0, LearningRate = double.PositiveInfinity, WeightDecay = -1, Momentum = 1, Patience = 0, LearningRates = [0.1, -0.1],
            ScheduleStepEpochs = 0, ScheduleGamma = 1.5, L1 = -1, ClipGradientNorm = 0, ClipGradientValue = -1, MaxNorm = 0,
            UnfreezeEveryEpochs = 0, UnfreezeAfterEpochs = 0, LayerLearningRateFactor = 2,
        };

        options.Problems().Select(p => p.Path).Should().BeEquivalentTo(
            "batchSize", "learningRate", "weightDecay", "momentum", "patience", "learningRates[1]", "scheduleStepEpochs", "scheduleGamma",
            "l1", "clipGradientNorm", "clipGradientValue", "maxNorm", "unfreezeEveryEpochs", "unfreezeAfterEpochs", "layerLearningRateFactor");
    }

    [Fact]
    public void Unfreezing_after_epochs_and_gradual_unfreezing_are_not_given_together()
    {
        new SupervisedTrainingOptions { UnfreezeEveryEpochs = 2, UnfreezeAfterEpochs = 3 }.Problems().Should().ContainSingle()
            .Which.Message.Should().Contain("expected null with unfreezeEveryEpochs");
    }
}
