using Pretrain.FineTuning.Training;

namespace Pretrain.FineTuning.Tests.Training;

public sealed class OneStepEpochsTests
{
    [Theory]
    [InlineData(100, 128, 20)]
    [InlineData(128, 128, 1)]
    public void Early_stopping_over_epochs_of_one_batch_gets_a_warning_naming_the_sizes(long examples, int batchSize, int patience)
    {
        var warning = OneStepEpochs.WarningFor(examples, batchSize, patience);

        warning.Should().NotBeNull();
        warning.Should().Contain($"{examples} training examples").And.Contain($"one batch of {batchSize}").And.Contain($"after {patience} steps");
    }

    [Theory]
    [InlineData(129, 128, 20)]   // two batches an epoch
    [InlineData(100, 25, 20)]
    [InlineData(100, 128, null)] // nothing stops early: the epochs run to the end
    [InlineData(0, 128, 20)]
    public void Epochs_of_several_batches_or_no_early_stopping_get_none(long examples, int batchSize, int? patience) =>
        OneStepEpochs.WarningFor(examples, batchSize, patience).Should().BeNull();
}
