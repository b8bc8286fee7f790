using Pretrain.Pretraining.Layers.ConvAutoencoders;
using Pretrain.Recipes.Model;

namespace Pretrain.Recipes.Tests.Model;

public sealed class ConvRecipeTests
{
    private const string Conv = """
        {
          "data": { "train": { "format": "embedded" }, "test": { "format": "embedded", "split": "test" } },
          "pretraining": { "layers": [
            { "kind": "convAutoencoder", "channels": 8, "kernel": 3, "poolSize": 2, "decoder": "upsampling", "tiedWeights": false },
            { "kind": "autoencoder", "hiddenUnits": 16 }
          ] }
        }
        """;

    [Fact]
    public void The_convAutoencoder_kind_binds_to_its_options()
    {
        var recipe = RecipeLoader.Parse(Conv, "recipes/conv.json").Recipe;

        var layer = recipe.Pretraining!.Layers[0].Should().BeOfType<ConvAutoencoderOptions>().Which;
        layer.Channels.Should().Be(8);
        layer.Kernel.Should().Be(3);
        layer.PoolSize.Should().Be(2);
        layer.Decoder.Should().Be(ConvDecoder.Upsampling);
        layer.TiedWeights.Should().BeFalse();
        layer.Epochs.Should().Be(10, "the documented default");
    }

    [Fact]
    public void Invalid_conv_settings_are_reported_with_their_recipe_paths()
    {
        var act = () => RecipeLoader.Parse(Conv, "recipes/conv.json", ["pretraining.layers[0].channels=0", "pretraining.layers[0].padding=3"]);

        act.Should().Throw<RecipeException>().Which.Message.Should()
            .Contain("pretraining.layers[0].channels: expected a positive integer, received 0.")
            .And.Contain("pretraining.layers[0].padding: expected an integer in [0, kernel / 2 = 1], received 3.");
    }

    [Fact]
    public void A_convolutional_stack_may_be_fine_tuned_with_augmentation_and_batch_normalization()
    {
        var recipe = RecipeLoader.Parse(Conv, "recipes/conv.json", ["""training={"epochs":3,"augmentation":{"shift":2,"horizontalFlip":true,"erasing":0.5}}""",
            "model.initialization=pretrained", "model.batchNorm=true"]).Recipe;

        recipe.Training!.Augmentation.Should().Be(new FineTuning.Augmentation.ImageAugmentationOptions { Shift = 2, HorizontalFlip = true, Erasing = 0.5 });
        recipe.Model.BatchNorm.Should().BeTrue();
    }

    [Fact]
    public void Bad_convolutions_and_augmentation_are_reported_with_their_recipe_paths()
    {
        var act = () => RecipeLoader.Parse(Conv, "recipes/conv.json", ["""training={"augmentation":{"shift":-1,"erasing":2}}""",
            """model.convolutions=[{"channels":0,"kernel":3}]""", "model.initialization=pretrained"]);

        act.Should().Throw<RecipeException>().Which.Message.Should()
            .Contain("training.augmentation.shift: expected a number of pixels >= 0, received -1.")
            .And.Contain("training.augmentation.erasing: expected a probability in [0, 1], received 2.")
            .And.Contain("model.convolutions[0].channels: expected a positive integer, received 0.")
            .And.Contain("model.convolutions: a network built from a pretrained stack takes its convolutions from the stack");
    }
}
