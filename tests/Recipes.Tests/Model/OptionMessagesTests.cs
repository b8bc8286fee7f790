using Pretrain.Auxiliary.Tasks;
using Pretrain.Auxiliary.Text;
using Pretrain.FineTuning.Training;
using Pretrain.Pretraining.Layers.Rbm;
using Pretrain.Pretraining.Validation;
using Pretrain.Recipes.Model;

namespace Pretrain.Recipes.Tests.Model;

/// <summary>A recipe user and a library caller who make the same mistake read the same path and message.</summary>
public sealed class OptionMessagesTests
{
    private const string Dense = """{ "data": { "train": { "format": "embedded" } }, SECTIONS }""";

    private static RecipeProblem OnlyProblem(string json)
    {
        var act = () => RecipeLoader.Parse(json, "recipes/test.json");
        return act.Should().Throw<RecipeException>().Which.Problems.Should().ContainSingle().Which;
    }

    private static OptionProblem LibraryProblem(Action construct) =>
        FluentActions.Invoking(construct).Should().Throw<InvalidOptionsException>().Which.Problems.Should().ContainSingle().Which;

    [Fact]
    public void Training_problems_are_the_supervised_trainers_with_the_section_path_in_front()
    {
        var recipe = OnlyProblem(Dense.Replace("SECTIONS", """ "training": { "epochs": 0 } """, StringComparison.Ordinal));
        var library = LibraryProblem(() => _ = new SupervisedTrainer(new SupervisedTrainingOptions { Epochs = 0 }));

        recipe.Should().Be(new RecipeProblem("training." + library.Path, library.Message));
        recipe.ToString().Should().Be("training.epochs: expected a positive integer, received 0.");
    }

    [Fact]
    public void Auxiliary_problems_are_the_auxiliary_trainers_with_the_section_path_in_front()
    {
        var recipe = OnlyProblem(Dense.Replace("SECTIONS",
            """ "pretraining": { "auxiliary": { "corruption": { "kind": "blockMask" }, "batchSize": 1 } }, "evaluation": { "linearProbe": false } """, StringComparison.Ordinal));
        var library = LibraryProblem(() => _ = new AuxiliaryTrainer(new AuxiliaryTrainingOptions { BatchSize = 1 }));

        recipe.Should().Be(new RecipeProblem("pretraining.auxiliary." + library.Path, library.Message));
    }

    [Fact]
    public void Layer_problems_are_the_layer_trainers_with_the_layer_path_in_front()
    {
        var recipe = OnlyProblem(Dense.Replace("SECTIONS",
            """ "pretraining": { "layers": [ { "kind": "rbm", "hiddenUnits": 5, "cdSteps": 0 } ] }, "evaluation": { "linearProbe": false } """, StringComparison.Ordinal));
        var library = LibraryProblem(() => _ = new RbmTrainer(new RbmOptions { HiddenUnits = 5, CdSteps = 0 }));

        recipe.Should().Be(new RecipeProblem("pretraining.layers[0]." + library.Path, library.Message));
    }

    [Fact]
    public void Text_section_problems_are_the_text_trainers_with_the_section_path_in_front()
    {
        const string Text = """{ "text": { "folder": "f", "categories": ["a", "b"], SECTION } }""";
        var auxiliary = OnlyProblem(Text.Replace("SECTION", """ "auxiliary": { "learningRate": 0 } """, StringComparison.Ordinal));
        var classifier = OnlyProblem(Text.Replace("SECTION", """ "classifier": { "patience": 0 } """, StringComparison.Ordinal));

        var auxiliaryLibrary = LibraryProblem(() => _ = new AuxiliaryTrainer(new AuxiliaryTrainingOptions { LearningRate = 0 }));
        var classifierLibrary = LibraryProblem(() => _ = new DocumentClassifierTrainer(new DocumentClassifierTrainingOptions { Patience = 0 }));

        auxiliary.Should().Be(new RecipeProblem("text.auxiliary." + auxiliaryLibrary.Path, auxiliaryLibrary.Message));
        classifier.Should().Be(new RecipeProblem("text.classifier." + classifierLibrary.Path, classifierLibrary.Message));
    }
}
