using System.Text.Json;
using Pretrain.Auxiliary.Tasks;
using Pretrain.Auxiliary.Text;
using Pretrain.Recipes.Model;
using Pretrain.Tests.Support;

namespace Pretrain.Recipes.Tests.Model;

/// <summary>Recipe sections bind straight to the trainers' options records, with the recipes' flat fields and defaults.</summary>
public sealed class SectionBindingTests
{
    private static JsonElement Field(JsonElement element, string path)
    {
        foreach (var name in path.Split('.'))
            element = element.GetProperty(name);
        return element;
    }

    private static (Recipe Recipe, JsonDocument Json) Shipped(string fileName)
    {
        var path = Path.Combine(RepositoryPaths.Recipes, fileName);
        var json = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        return (RecipeLoader.Load(path).Recipe, json);
    }

    [Fact]
    public void The_shipped_text_recipe_binds_its_flat_training_fields_to_the_trainers_options()
    {
        var (recipe, document) = Shipped("fortunes-auxiliary.json");
        using var json = document;
        var root = json.RootElement;

        AuxiliaryTrainingOptions auxiliary = recipe.Text!.Auxiliary;
        auxiliary.Epochs.Should().Be(Field(root, "text.auxiliary.epochs").GetInt32());
        auxiliary.BatchSize.Should().Be(Field(root, "text.auxiliary.batchSize").GetInt32());
        auxiliary.LearningRate.Should().Be(Field(root, "text.auxiliary.learningRate").GetDouble());
        auxiliary.HeldOutFraction.Should().Be(new AuxiliaryTrainingOptions().HeldOutFraction, "the recipe leaves it at the default");

        DocumentClassifierTrainingOptions classifier = recipe.Text.Classifier;
        classifier.Epochs.Should().Be(Field(root, "text.classifier.epochs").GetInt32());
        classifier.Patience.Should().Be(Field(root, "text.classifier.patience").GetInt32());
        recipe.Text.Classifier.Pooling.Should().Be(DocumentPooling.Words);
    }

    [Fact]
    public void The_shipped_dense_recipe_binds_its_auxiliary_fields_and_keeps_the_library_defaults_for_the_rest()
    {
        var (recipe, document) = Shipped("embedded-auxiliary.json");
        using var json = document;
        var library = new AuxiliaryTrainingOptions();

        AuxiliaryTrainingOptions auxiliary = recipe.Pretraining!.Auxiliary!;
        auxiliary.Epochs.Should().Be(Field(json.RootElement, "pretraining.auxiliary.epochs").GetInt32());
        (auxiliary.BatchSize, auxiliary.LearningRate, auxiliary.WeightDecay, auxiliary.HeldOutFraction)
            .Should().Be((library.BatchSize, library.LearningRate, library.WeightDecay, library.HeldOutFraction));
    }

    [Fact]
    public void Text_sections_keep_their_own_documented_defaults_where_they_differ_from_the_library()
    {
        var text = RecipeLoader.Parse("""{ "text": { "folder": "f", "categories": ["a", "b"] } }""", "r.json").Recipe.Text!;

        (text.Auxiliary.Epochs, text.Auxiliary.BatchSize).Should().Be((5, 256));
        (text.Classifier.Epochs, text.Classifier.BatchSize, text.Classifier.Patience).Should().Be((200, 32, 20));
        text.Auxiliary.LearningRate.Should().Be(new AuxiliaryTrainingOptions().LearningRate);
        text.Classifier.LearningRate.Should().Be(new DocumentClassifierTrainingOptions().LearningRate);
    }

    [Fact]
    public void The_resolved_recipe_writes_the_inherited_fields_flat_and_reads_back_to_the_same_values()
    {
        var loaded = RecipeLoader.Parse("""{ "text": { "folder": "f", "categories": ["a", "b"], "auxiliary": { "epochs": 3, "weightDecay": 0.01 } } }""", "r.json");

        var again = RecipeLoader.Parse(loaded.ResolvedJson, "r.json").Recipe.Text!;

        using var resolved = JsonDocument.Parse(loaded.ResolvedJson);
        Field(resolved.RootElement, "text.auxiliary.epochs").GetInt32().Should().Be(3);
        again.Auxiliary.Should().Be(loaded.Recipe.Text!.Auxiliary);
        again.Classifier.Should().Be(loaded.Recipe.Text.Classifier);
    }
}
