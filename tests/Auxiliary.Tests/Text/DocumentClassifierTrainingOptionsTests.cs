using Pretrain.Auxiliary.Text;
using Pretrain.Pretraining.Validation;

namespace Pretrain.Auxiliary.Tests.Text;

public sealed class DocumentClassifierTrainingOptionsTests
{
    [Fact]
    public void A_trainer_without_options_uses_the_documented_defaults()
    {
        var trainer = new DocumentClassifierTrainer();

        (trainer.Epochs, trainer.BatchSize, trainer.LearningRate, trainer.Patience).Should().Be((100, 32, 1e-3, 15));
        trainer.Options.Problems().Should().BeEmpty();
    }

    [Fact]
    public void The_trainer_reads_its_settings_from_the_options()
    {
        var options = new DocumentClassifierTrainingOptions { Epochs = 7, BatchSize = 3, LearningRate = 0.5, Patience = 2 };

        var trainer = new DocumentClassifierTrainer(options);

        (trainer.Epochs, trainer.BatchSize, trainer.LearningRate, trainer.Patience).Should().Be((7, 3, 0.5, 2));
    }

    [Fact]
    public void Bad_options_are_refused_with_every_field_named()
    {
        var act = () => new DocumentClassifierTrainer(new DocumentClassifierTrainingOptions { Epochs = 0, Patience = -1 });

        var error = act.Should().Throw<InvalidOptionsException>().Which;
        error.Problems.Should().Equal(
            new OptionProblem("epochs", "expected a positive integer, received 0."),
            new OptionProblem("patience", "expected a positive integer, received -1."));
        error.Message.Should().StartWith("document classifier training: epochs: expected a positive integer, received 0.");
    }

    [Fact]
    public void Dropout_unfreezing_and_layer_rates_out_of_range_are_named()
    {
        var options = new DocumentClassifierTrainingOptions { Dropout = 1, UnfreezeEveryEpochs = 0, LayerLearningRateFactor = 1.5 };

        options.Problems().Select(p => p.Path).Should().Equal("dropout", "unfreezeEveryEpochs", "layerLearningRateFactor");
    }
}
