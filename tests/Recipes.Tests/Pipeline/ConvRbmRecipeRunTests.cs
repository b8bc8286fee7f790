using Pretrain.Pretraining;
using Pretrain.Pretraining.Stacks;
using Pretrain.Recipes.Pipeline;
using Pretrain.Tests.Support;

namespace Pretrain.Recipes.Tests.Pipeline;

/// <summary>The shipped convolutional DBN recipe runs end to end (shortened) and refuses layers that do not fit the images.</summary>
public sealed class ConvRbmRecipeRunTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pretrain-convrbm-recipes-").FullName;
    private static readonly string Recipe = Path.Combine(RepositoryPaths.Recipes, "embedded-conv-dbn.json");

    [Fact]
    public void The_conv_dbn_recipe_pretrains_convolutional_rbms_and_probes_their_pooled_features()
    {
        var output = Path.Combine(_folder, "runs").Replace('\\', '/');
        // Shortened (one epoch each, fewer filters) to keep the suite fast; the recipe's own settings are measured in its comment.
        var result = RecipeRunner.RunFile(Recipe, [$"output={output}", "device=cpu", "pretraining.layers[0].epochs=1", "pretraining.layers[1].epochs=1",
            "pretraining.layers[0].channels=8", "pretraining.layers[1].channels=16"]);

        var manifest = StackStore.ReadManifest(result.StackFolder!);
        manifest.Version.Should().Be(3);
        manifest.Layers.Select(l => l.Kind).Should().Equal("convRbm", "convRbm");
        manifest.Layers.Select(l => l.OutputShape).Should().BeEquivalentTo(new[] { new long[] { 8, 12, 12 }, [16, 4, 4] }, o => o.WithStrictOrdering());
        manifest.Layers[0].Metrics.Should().ContainKeys("validationReconstructionError", "freeEnergyGap", "meanActivation");
        File.Exists(Path.Combine(result.RunFolder, "layer1-filters.png")).Should().BeTrue();
        File.Exists(Path.Combine(result.RunFolder, "layer1-reconstructions.png")).Should().BeTrue("a convolutional RBM's inputs and reconstructions are drawn as for other layers");
        result.Probe!.PretrainedFeatures.Should().BeGreaterThan(0.3, "a softmax on 256 features of a trained convolutional DBN does far better than chance (0.1)");
    }

    [Fact]
    public void A_layer_whose_maps_are_not_whole_pooling_windows_is_refused_before_training()
    {
        var output = Path.Combine(_folder, "bad").Replace('\\', '/');
        var act = () => RecipeRunner.RunFile(Recipe, [$"output={output}", "device=cpu", "pretraining.layers[1].kernel=4"]);

        act.Should().Throw<PretrainException>().Which.Message.Should()
            .Contain("pretraining.layers[1]: probabilistic pool 2 needs whole windows but kernel 4 leaves a 9x9 feature map of a 12x12 input");
        // The embedded images are 28x28, so the recipe alone shows the misfit: refused while validating, before a run folder exists.
        Directory.Exists(output).Should().BeFalse("nothing was trained");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
