using System.Globalization;
using System.Text.Json;
using Pretrain.Host.Cli;
using Pretrain.Pretraining.Tests.Data.Images;
using SkiaSharp;

namespace Pretrain.Host.Tests.Cli;

/// <summary>A network trained on an image folder, moved away from its run, predicts on a folder of images.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ImagePredictCommandTests : IDisposable
{
    private static readonly string[] Classes = ["bottom", "top"];
    private readonly string _folder = Directory.CreateTempSubdirectory("pretrain-image-predict-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>ROOT/bottom and ROOT/top, <paramref name="perClass"/> 8x8 PNGs each: a bright lower or upper half, with seeded noise.</summary>
    private string Images(string name, int perClass, int seed)
    {
        var random = new Random(seed);
        var root = Path.Combine(_folder, name);
        for (var label = 0; label < Classes.Length; label++)
            for (var i = 0; i < perClass; i++)
            {
                var top = label == 1;
                ImageFiles.Write(Path.Combine(root, Classes[label], $"{i:D2}.png"), 8, 8, (_, y) =>
                {
                    var v = (byte)((y < 4) == top ? 180 + random.Next(60) : random.Next(60));
                    return new SKColor(v, v, v);
                });
            }
        return root;
    }

    [Fact]
    public void A_network_trained_on_an_image_folder_predicts_a_folder_of_images_with_paths_and_the_runs_test_accuracy()
    {
        Images("train", 16, seed: 1);
        var test = Images("test", 5, seed: 2);
        var recipe = Path.Combine(_folder, "images.json");
        File.WriteAllText(recipe, $$"""
            { "name": "images", "seed": 3, "device": "cpu", "output": "{{_folder.Replace("\\", "/", StringComparison.Ordinal)}}/runs",
              "data": { "train": { "format": "imageFolder", "directory": "train", "channels": 1, "size": [8, 8] },
                        "test": { "format": "imageFolder", "directory": "test", "channels": 1, "size": [8, 8] } },
              "model": { "hiddenLayers": [8] }, "training": { "epochs": 5, "batchSize": 8, "learningRate": 0.01 },
              "evaluation": { "linearProbe": false } }
            """);
        CapturedCommand.Run("run", recipe).Code.Should().Be(ExitCodes.Success);
        var run = Directory.GetDirectories(Path.Combine(_folder, "runs"), "images-*").Should().ContainSingle().Subject;
        using var result = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "result.json")));
        var reported = result.RootElement.GetProperty("testAccuracy").GetDouble();
        var moved = Directory.CreateDirectory(Path.Combine(_folder, "elsewhere")).FullName;
        foreach (var file in new[] { "network.json", "network.safetensors" })
            File.Copy(Path.Combine(run, file), Path.Combine(moved, file));
        Directory.Delete(run, recursive: true);
        Directory.Delete(Path.Combine(_folder, "train"), recursive: true);
        var output = Path.Combine(_folder, "predictions.csv");

        var (code, stdout, stderr) = CapturedCommand.Run("predict", moved, "--data", test, "--format", "imageFolder", "--out", output);

        code.Should().Be(ExitCodes.Success, stderr);
        var rows = File.ReadAllLines(output);
        rows[0].Should().Be("predicted,p_bottom,p_top,label,path");
        rows.Skip(1).Select(r => r.Split(',')[^1]).Should().Equal(Classes.SelectMany(c => Enumerable.Range(0, 5).Select(i => $"{c}/{i:D2}.png")));
        rows.Skip(1).Select(r => r.Split(',')[3]).Should().Equal(Classes.SelectMany(c => Enumerable.Repeat(c, 5)), "the label is the class folder");
        var accuracy = rows.Skip(1).Count(r => r.Split(',')[0] == r.Split(',')[3]) / 10.0;
        accuracy.Should().Be(reported, "the moved network decodes and scales the images as the run did");
        accuracy.Should().BeGreaterThan(0.8, "bright tops and bright bottoms are easy to tell apart, once the labels follow the folders");
        stdout.Should().Contain($"Predicted 10 examples (2 classes): {output}");
        stdout.Should().Contain($"Accuracy: {accuracy.ToString("F4", CultureInfo.CurrentCulture)} on the file's labels.");

        File.WriteAllText(Path.Combine(test, "top", "03.png"), "not a picture");
        var (badCode, _, badError) = CapturedCommand.Run("predict", moved, "--data", test, "--out", Path.Combine(_folder, "never.csv"));
        badCode.Should().Be(ExitCodes.InvalidInput);
        badError.Should().StartWith($"{Path.Combine(test, "top", "03.png")}: not an image SkiaSharp can decode");
        File.Exists(Path.Combine(_folder, "never.csv")).Should().BeFalse();
        CapturedCommand.Run("predict", moved, "--data", test, "--labels", "y.npy").Code.Should().Be(ExitCodes.InvalidInput, "an image folder's labels are its class folders");
    }
}
