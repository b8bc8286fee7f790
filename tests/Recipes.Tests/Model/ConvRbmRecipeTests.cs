using Pretrain.Pretraining.Layers.ConvRbm;
using Pretrain.Pretraining.Layers.Rbm;
using Pretrain.Recipes.Model;

namespace Pretrain.Recipes.Tests.Model;

public sealed class ConvRbmRecipeTests
{
    private const string Dbn = """
        {
          "data": { "train": { "format": "embedded" }, "test": { "format": "embedded", "split": "test" } },
          "pretraining": { "layers": [
            { "kind": "convRbm", "channels": 8, "kernel": 5, "poolSize": 2, "visible": "gaussian", "persistent": true, "sparsityTarget": 0.05 },
            { "kind": "rbm", "hiddenUnits": 16 }
          ] }
        }
        """;

    [Fact]
    public void The_convRbm_kind_binds_to_its_options()
    {
        var recipe = RecipeLoader.Parse(Dbn, "recipes/dbn.json").Recipe;

        var layer = recipe.Pretraining!.Layers[0].Should().BeOfType<ConvRbmOptions>().Which;
        layer.Channels.Should().Be(8);
        layer.Kernel.Should().Be(5);
        layer.PoolSize.Should().Be(2);
        layer.Visible.Should().Be(VisibleUnits.Gaussian);
        layer.Persistent.Should().BeTrue();
        layer.SparsityTarget.Should().Be(0.05);
        layer.Epochs.Should().Be(10, "the documented default");
        layer.CdSteps.Should().Be(1, "the documented default");
    }

    [Fact]
    public void Invalid_convRbm_settings_are_reported_with_their_recipe_paths()
    {
        var act = () => RecipeLoader.Parse(Dbn, "recipes/dbn.json", ["pretraining.layers[0].channels=0", "pretraining.layers[0].cdSteps=0", "pretraining.layers[0].sparsityTarget=2"]);

        act.Should().Throw<RecipeException>().Which.Message.Should()
            .Contain("pretraining.layers[0].channels: expected a positive integer, received 0.")
            .And.Contain("pretraining.layers[0].cdSteps: expected a positive integer, received 0.")
            .And.Contain("pretraining.layers[0].sparsityTarget: expected a number in (0, 1), received 2.");
    }

    [Fact]
    public void A_stride_is_not_a_convRbm_field()
    {
        var act = () => RecipeLoader.Parse(Dbn, "recipes/dbn.json", ["pretraining.layers[0].stride=2"]);

        act.Should().Throw<RecipeException>().Which.Message.Should().Contain("pretraining.layers[0].stride");
    }

    [Fact]
    public void A_convolutional_dbn_may_be_fine_tuned()
    {
        var recipe = RecipeLoader.Parse(Dbn, "recipes/dbn.json", ["""training={"epochs":3}""", "model.initialization=pretrained"]).Recipe;

        recipe.RunsSupervisedTraining.Should().BeTrue();
    }
}
