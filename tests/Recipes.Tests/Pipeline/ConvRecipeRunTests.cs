using Pretrain.Pretraining;
using Pretrain.Pretraining.Stacks;
using Pretrain.Recipes.Pipeline;
using Pretrain.Tests.Support;

namespace Pretrain.Recipes.Tests.Pipeline;

/// <summary>The shipped convolutional recipe runs end to end (shortened) and refuses layers that do not fit the images.</summary>
public sealed class ConvRecipeRunTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pretrain-conv-recipes-").FullName;
    private static readonly string Recipe = Path.Combine(RepositoryPaths.Recipes, "embedded-conv-sda.json");

    [Fact]
    public void The_conv_recipe_pretrains_a_convolutional_stack_and_probes_its_flattened_features()
    {
        var output = Path.Combine(_folder, "runs").Replace('\\', '/');
        var result = RecipeRunner.RunFile(Recipe, [$"output={output}", "device=cpu", "pretraining.layers[0].epochs=1", "pretraining.layers[1].epochs=1"]);

        var manifest = StackStore.ReadManifest(result.StackFolder!);
        manifest.Layers.Select(l => l.OutputShape).Should().BeEquivalentTo(new[] { new long[] { 16, 12, 12 }, [32, 4, 4] }, o => o.WithStrictOrdering());
        result.Probe!.PretrainedFeatures.Should().BeGreaterThan(0.3, "a softmax on 512 features of a trained convolutional stack does far better than chance (0.1)");
    }

    [Fact]
    public void A_layer_that_does_not_fit_the_images_is_refused_before_training_naming_layer_and_sizes()
    {
        var output = Path.Combine(_folder, "bad").Replace('\\', '/');
        var act = () => RecipeRunner.RunFile(Recipe, [$"output={output}", "device=cpu", "pretraining.layers[1].kernel=13", "pretraining.layers[1].padding=0"]);

        act.Should().Throw<PretrainException>().Which.Message.Should()
            .Contain("pretraining.layers[1]: kernel 13 does not fit a 12x12 input (after layer 0: 16x12x12).");
        // The embedded images are 28x28, so the recipe alone shows the misfit: refused while validating, before a run folder exists.
        Directory.Exists(output).Should().BeFalse("nothing was trained");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
