using Pretrain.Pretraining;
using Pretrain.Pretraining.Runtime;
using Pretrain.Recipes.Model;
using Pretrain.Recipes.Pipeline;
using Pretrain.Recipes.Tests.Support;

namespace Pretrain.Recipes.Tests.Pipeline;

/// <summary>
/// <c>data.unlabeled</c> adds examples for pretraining only: the labeled pool and the rest of the run are unchanged,
/// copies of test examples are left out, and a size that does not match the training examples is refused.
/// </summary>
public sealed class UnlabeledDataTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pretrain-unlabeled-").FullName;

    private LoadedRecipe Recipe(string unlabeled)
    {
        var path = Path.Combine(_folder, "recipe.json");
        File.WriteAllText(path, $$"""
            { "device": "cpu", "seed": 3,
              "data": { "train": { "format": "imageFolder", "directory": "train", "channels": 1, "size": [8, 8] },
                        "test": { "format": "imageFolder", "directory": "test", "channels": 1, "size": [8, 8] },
                        "unlabeled": {{unlabeled}}, "validationFraction": 0.25, "labelsPerClass": 2 },
              "pretraining": { "layers": [ { "kind": "autoencoder", "hiddenUnits": 4 } ] } }
            """);
        return RecipeLoader.Load(path);
    }

    private static RunContext Context() => RunContext.Create(DeviceSpec.Parse("cpu"), 3);

    [Fact]
    public void Unlabeled_images_join_the_pretraining_pool_less_copies_of_test_images()
    {
        ImageData.Folder(Path.Combine(_folder, "train"), perClass: 8);
        ImageData.Folder(Path.Combine(_folder, "test"), perClass: 3, first: 100);
        ImageData.Folder(Path.Combine(_folder, "pool", "new"), perClass: 5, first: 200);   // 10 new images
        ImageData.Folder(Path.Combine(_folder, "pool", "copies"), perClass: 2, first: 100); // 4 copies of test images

        using var data = DataPreparation.Prepare(Recipe("""{ "format": "imageFolder", "directory": "pool", "channels": 1, "size": [8, 8], "labeled": false }"""), Context());

        data.Validation!.Count.Should().Be(4, "a quarter of the 16 training images");
        data.Unlabeled!.Count.Should().Be(12 + 10, "the 12 training images outside the validation split and the 10 new ones");
        data.Unlabeled.Labels.Should().BeNull();
        data.Unlabeled.SampleShape.Should().Equal(1, 8, 8);
        data.Train.Count.Should().Be(4, "the labeled examples do not change");
        data.Unlabeled.Features.max().item<float>().Should().BeLessThanOrEqualTo(1f, "the extra images are scaled like the training ones");
    }

    [Fact]
    public void Unlabeled_examples_of_another_size_are_refused_naming_the_field_and_both_sizes()
    {
        ImageData.Folder(Path.Combine(_folder, "train"), perClass: 8);
        ImageData.Folder(Path.Combine(_folder, "test"), perClass: 1, first: 100);
        ImageData.Folder(Path.Combine(_folder, "pool"), perClass: 1);

        var act = () => DataPreparation.Prepare(Recipe("""{ "format": "imageFolder", "directory": "pool", "channels": 3, "size": [8, 8] }"""), Context());

        act.Should().Throw<PretrainException>()
            .WithMessage("data.unlabeled: examples of pool have 192 values (shape [3, 8, 8]) but the training examples have 64 (shape [1, 8, 8]).");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
