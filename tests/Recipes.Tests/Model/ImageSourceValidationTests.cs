using Pretrain.Recipes.Model;

namespace Pretrain.Recipes.Tests.Model;

/// <summary>The image source settings are checked before anything runs, each problem named by its recipe path.</summary>
public sealed class ImageSourceValidationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pretrain-image-recipes-").FullName;

    private LoadedRecipe Load(string data, string rest = """, "pretraining": { "layers": [ { "kind": "rbm", "hiddenUnits": 4 } ] }, "evaluation": { "linearProbe": false }""")
    {
        var path = Path.Combine(_folder, "recipe.json");
        File.WriteAllText(path, $$"""{ "data": {{data}}{{rest}} }""");
        return RecipeLoader.Load(path);
    }

    [Fact]
    public void An_image_folder_source_binds_with_its_defaults()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "images"));
        var source = Load("""{ "train": { "format": "imageFolder", "directory": "images", "size": [32, 24] } }""").Recipe.Data!.Train;

        var folder = source.Should().BeOfType<ImageFolderSourceSpec>().Which;
        folder.Channels.Should().Be(3, "RGB, as torchvision's loader");
        folder.Size.Should().Equal(32, 24);
        folder.Labeled.Should().BeTrue();
    }

    [Fact]
    public void Bad_image_folder_settings_are_all_reported_with_their_paths()
    {
        var act = () => Load("""{ "train": { "format": "imageFolder", "directory": "nowhere", "channels": 2, "size": [28] } }""");

        var problems = act.Should().Throw<RecipeException>().Which.Message;
        problems.Should().Contain($"data.train.directory: folder not found: {Path.Combine(_folder, "nowhere")}.")
            .And.Contain("data.train.channels: expected 1 (grayscale) or 3 (RGB), received 2.")
            .And.Contain("data.train.size: expected [height, width] with two positive integers, received [28].");
    }

    [Fact]
    public void A_shape_with_a_zero_or_too_many_dimensions_is_refused()
    {
        File.WriteAllText(Path.Combine(_folder, "x.csv"), "1,2\n");
        var act = () => Load("""{ "train": { "format": "csv", "path": "x.csv", "shape": [1, 0] }, "test": { "format": "csv", "path": "x.csv", "shape": [1, 1, 1, 2] } }""");

        act.Should().Throw<RecipeException>().Which.Message.Should()
            .Contain("data.train.shape: expected [D], [H, W] or [C, H, W] with positive sizes, received [1, 0].")
            .And.Contain("data.test.shape: expected [D], [H, W] or [C, H, W] with positive sizes, received [1, 1, 1, 2].");
    }

    [Fact]
    public void Unlabeled_data_without_a_pretraining_stage_that_reads_it_is_refused()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "pool"));
        const string data = """{ "train": { "format": "embedded" }, "unlabeled": { "format": "imageFolder", "directory": "pool", "size": [28, 28], "labeled": false } }""";

        var act = () => Load(data, "");

        act.Should().Throw<RecipeException>().Which.Message.Should().Contain("data.unlabeled: only pretraining, consistency training and distillation read unlabeled examples");
        Load(data).Recipe.Data!.Unlabeled.Should().BeOfType<ImageFolderSourceSpec>();
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
