using Pretrain.Auxiliary.Tasks;
using Pretrain.Pretraining.Validation;

namespace Pretrain.Auxiliary.Tests.Tasks;

public sealed class AuxiliaryTrainingOptionsTests
{
    [Fact]
    public void The_defaults_are_valid()
    {
        new AuxiliaryTrainingOptions().Problems().Should().BeEmpty();
    }

    [Fact]
    public void A_library_caller_gets_the_field_path_and_the_recipe_wording()
    {
        var act = () => new AuxiliaryTrainer(new AuxiliaryTrainingOptions { BatchSize = 1 });

        var error = act.Should().Throw<InvalidOptionsException>().Which;
        error.Problems.Should().ContainSingle().Which.Should().Be(
            new OptionProblem("batchSize", "expected at least 2 (corruptions borrow from other instances of the batch), received 1."));
        error.Message.Should().Be("auxiliary training: batchSize: expected at least 2 (corruptions borrow from other instances of the batch), received 1.");
    }

    [Fact]
    public void Every_out_of_range_field_is_reported_at_once()
    {
        var options = new AuxiliaryTrainingOptions { Epochs = 0, BatchSize = 1, LearningRate = double.NaN, WeightDecay = -1, HeldOutFraction = 1 };

        options.Problems().Select(p => p.Path).Should().BeEquivalentTo("epochs", "batchSize", "learningRate", "weightDecay", "heldOutFraction");
        FluentActions.Invoking(() => new AuxiliaryTrainer(options)).Should().Throw<InvalidOptionsException>()
            .Which.Problems.Should().HaveCount(5);
    }
}
