using System.Text.Json;
using Pretrain.FineTuning.Models;
using Pretrain.Pretraining;
using Pretrain.Pretraining.Stacks;
using Pretrain.Recipes.Model;
using Pretrain.Recipes.Pipeline;
using Pretrain.Recipes.Tests.Support;

namespace Pretrain.Recipes.Tests.Pipeline;

/// <summary>
/// Image inputs reach the convolutional layers with their [C, H, W] shape: image folders, NPY image arrays and flat
/// rows with a <c>shape</c>; layers that do not fit the images are refused before anything trains.
/// </summary>
public sealed class ImageInputsRunTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pretrain-image-inputs-").FullName;

    private const string ConvLayer = """{ "kind": "convAutoencoder", "channels": 4, "kernel": 3, "poolSize": 2, "epochs": 1, "batchSize": 8 }""";

    private string Recipe(string train, string test, string rest = $$""" "pretraining": { "layers": [ {{ConvLayer}} ] } """)
    {
        var path = Path.Combine(_folder, "recipe.json");
        File.WriteAllText(path, $$"""
            { "name": "images", "seed": 1, "device": "cpu", "output": "{{Path.Combine(_folder, "runs").Replace('\\', '/')}}",
              "data": { "train": {{train}}, "test": {{test}}, "validationFraction": 0.25 },
              {{rest}} }
            """);
        return path;
    }

    private static string Folder(string directory, string size = "[8, 8]") =>
        $$"""{ "format": "imageFolder", "directory": "{{directory}}", "channels": 1, "size": {{size}} }""";

    [Fact]
    public void An_image_folder_reaches_the_conv_layers_as_one_channel_images()
    {
        ImageData.Folder(Path.Combine(_folder, "train"), perClass: 12);
        ImageData.Folder(Path.Combine(_folder, "test"), perClass: 4, first: 100);

        var result = RecipeRunner.RunFile(Recipe(Folder("train"), Folder("test")));

        var manifest = StackStore.ReadManifest(result.StackFolder!);
        manifest.InputShape.Should().Equal(1, 8, 8);
        manifest.Layers[0].OutputShape.Should().Equal(4, 3, 3);
        result.Probe!.RawInputs.Should().BeGreaterThan(0.9, "a softmax on the pixels separates bright tops from bright bottoms");
        File.ReadAllText(Path.Combine(result.RunFolder, "scaler.json")).Should().Contain("255", "pixels are divided by 255");
    }

    [Fact]
    public void A_network_trained_on_an_image_folder_keeps_the_folder_names_as_class_names()
    {
        ImageData.Folder(Path.Combine(_folder, "train"), perClass: 12);
        ImageData.Folder(Path.Combine(_folder, "test"), perClass: 4, first: 100);

        var result = RecipeRunner.RunFile(Recipe(Folder("train"), Folder("test"), """ "model": { "hiddenLayers": [8] }, "training": { "epochs": 2 } """));

        using var network = SavedNetwork.Load(Path.Combine(result.RunFolder, SavedNetwork.ManifestFileName));
        network.ClassNames.Should().Equal(ImageData.Classes);
        network.Manifest.Input.Shape.Should().Equal(1, 8, 8);
    }

    [Fact]
    public void Conv_layers_that_do_not_fit_the_image_size_are_refused_before_any_data_is_read()
    {
        // The folder's images are 8x8 but the recipe resizes them to 4x4: the recipe alone says the layer cannot fit.
        ImageData.Folder(Path.Combine(_folder, "train"), perClass: 4);
        var recipe = Recipe(Folder("train", "[4, 4]"), Folder("train", "[4, 4]"),
            """ "pretraining": { "layers": [ { "kind": "convAutoencoder", "channels": 4, "kernel": 5 } ] } """);

        var act = () => RecipeRunner.RunFile(recipe);

        act.Should().Throw<RecipeException>().WithMessage("*recipe.json: pretraining.layers[0]: kernel 5 does not fit a 4x4 input (input: 1x4x4).");
        Directory.Exists(Path.Combine(_folder, "runs")).Should().BeFalse("the recipe was refused before a run folder was made");
    }

    [Fact]
    public void Conv_layers_that_do_not_fit_npy_images_are_refused_once_read_before_training()
    {
        var (x, y) = ImageData.Npy(_folder, perClass: 4, size: 4);
        var npy = $$"""{ "format": "npy", "features": "{{x.Replace('\\', '/')}}", "labels": "{{y.Replace('\\', '/')}}" }""";
        const string layers = """
            "pretraining": { "layers": [ { "kind": "convAutoencoder", "channels": 4, "kernel": 3, "poolSize": 2 },
                                         { "kind": "convAutoencoder", "channels": 4, "kernel": 3 } ] }
            """;

        var act = () => RecipeRunner.RunFile(Recipe(npy, npy, layers));

        act.Should().Throw<PretrainException>().WithMessage("pretraining.layers[1]: kernel 3 does not fit a 1x1 input (after layer 0: 4x1x1).");
        Directory.GetFiles(_folder, "*.safetensors", SearchOption.AllDirectories).Should().BeEmpty("nothing was trained");
    }

    [Fact]
    public void Uint8_npy_images_keep_their_shape_and_are_scaled_as_pixels()
    {
        var (x, y) = ImageData.Npy(_folder, perClass: 8);
        var npy = $$"""{ "format": "npy", "features": "{{x.Replace('\\', '/')}}", "labels": "{{y.Replace('\\', '/')}}" }""";

        var result = RecipeRunner.RunFile(Recipe(npy, npy));

        StackStore.ReadManifest(result.StackFolder!).InputShape.Should().Equal(1, 8, 8);
        using var scaler = JsonDocument.Parse(File.ReadAllText(Path.Combine(result.RunFolder, "scaler.json")));
        scaler.RootElement.GetProperty("scale").EnumerateArray().Select(v => v.GetSingle()).Should().Equal(255f);
    }

    [Fact]
    public void Flat_csv_rows_take_the_shape_the_recipe_gives_or_are_refused_naming_both_sizes()
    {
        ImageData.Csv(Path.Combine(_folder, "rows.csv"), perClass: 8);
        string Csv(string shape) => $$"""{ "format": "csv", "path": "rows.csv", "labelColumn": "0", "header": false, "shape": {{shape}} }""";

        var result = RecipeRunner.RunFile(Recipe(Csv("[1, 8, 8]"), Csv("[1, 8, 8]")));
        StackStore.ReadManifest(result.StackFolder!).InputShape.Should().Equal(1, 8, 8);

        var act = () => RecipeRunner.RunFile(Recipe(Csv("[1, 9, 8]"), Csv("[1, 8, 8]")));
        act.Should().Throw<PretrainException>().WithMessage("data.train.shape: [1, 9, 8] holds 72 values but each example of rows.csv has 64 (shape [64]).");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
