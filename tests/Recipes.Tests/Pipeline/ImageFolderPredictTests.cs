using System.Globalization;
using Pretrain.FineTuning.Models;
using Pretrain.FineTuning.Networks;
using Pretrain.Pretraining;
using Pretrain.Pretraining.Data;
using Pretrain.Pretraining.Data.Images;
using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Tests.Data.Images;
using Pretrain.Recipes.Model;
using Pretrain.Recipes.Pipeline;
using Pretrain.Recipes.Tests.Support;
using SkiaSharp;

namespace Pretrain.Recipes.Tests.Pipeline;

/// <summary>
/// <c>pretrain predict</c> on an image folder: images decoded to the network's input shape a batch at a time, labels from
/// the class folders named as the network's classes, a <c>path</c> column, and the probabilities the same pixels give
/// from an NPY file.
/// </summary>
public sealed class ImageFolderPredictTests : IDisposable
{
    private const int PerClass = 5;
    private readonly string _folder = Directory.CreateTempSubdirectory("image-folder-predict-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A small CNN on <paramref name="shape"/> images (seeded, untrained) with unit scaling of 0..255 pixels and <see cref="ImageData.Classes"/>.</summary>
    private string Network(string name, long[] shape)
    {
        var features = (int)shape.Aggregate(1L, (a, b) => a * b);
        var image = shape.Length == 3 ? shape : [1, .. shape];
        var spec = new MlpSpec(features, [6], 2, ActivationKind.Tanh) { ImageShape = image, Convolutions = [new ConvLayerSpec(3, new ConvolutionGeometry(3, PoolSize: 2))] };
        using var network = MlpBuilder.Build(spec, seed: 7);
        var folder = Directory.CreateDirectory(Path.Combine(_folder, name)).FullName;
        SavedNetworkWriter.Save(network, spec, shape, new ScalerState("unit", [0f], [255f]), ImageData.Classes, Path.Combine(folder, "network.safetensors"));
        return folder;
    }

    private static double[] Probabilities(string row) => row.Split(',')[1..3].Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();

    [Fact]
    public void A_folder_of_class_folders_predicts_with_labels_and_paths_and_the_probabilities_of_the_same_pixels_from_npy()
    {
        var model = Network("cnn", [1, 8, 8]);
        var images = ImageData.Folder(Path.Combine(_folder, "images"), PerClass);
        var (x, y) = ImageData.Npy(_folder, PerClass);
        var (fromImages, fromNpy) = (Path.Combine(_folder, "images.csv"), Path.Combine(_folder, "npy.csv"));

        var summary = NetworkPredictor.Predict(model, PredictionSource.For(images, "imageFolder"), fromImages, batchSize: 3);
        NetworkPredictor.Predict(model, PredictionSource.For(x, labels: y), fromNpy, batchSize: 3);

        var rows = File.ReadAllLines(fromImages);
        rows[0].Should().Be("predicted,p_bottom,p_top,label,path");
        rows.Should().HaveCount(2 * PerClass + 1);
        rows[1].Should().EndWith(",bottom,bottom/000.png");
        rows[^1].Should().EndWith(",top,top/004.png");
        summary.Examples.Should().Be(2 * PerClass);
        summary.Accuracy.Should().Be(rows.Skip(1).Count(r => r.Split(',')[0] == r.Split(',')[3]) / (double)(2 * PerClass));
        // The NPY file holds example i of each class in turn (bottom 0, top 0, bottom 1, ...); the folder lists class by class.
        var npy = File.ReadAllLines(fromNpy);
        foreach (var row in rows.Skip(1))
        {
            var fields = row.Split(',');
            var (label, index) = (Array.IndexOf(ImageData.Classes, fields[3]), int.Parse(Path.GetFileNameWithoutExtension(fields[4]), CultureInfo.InvariantCulture));
            var same = npy[1 + 2 * index + label];
            same.Split(',')[^1].Should().Be(fields[3]);
            Probabilities(row).Should().Equal(Probabilities(same), (p, q) => Math.Abs(p - q) < 1e-6, fields[4]);
        }
    }

    [Fact]
    public void Images_of_another_size_are_resized_to_the_networks_input_as_the_recipes_decode_them()
    {
        var model = Network("rgb", [3, 6, 6]);
        var random = new Random(4);
        foreach (var name in ImageData.Classes)
            for (var i = 0; i < 4; i++)
                ImageFiles.Write(Path.Combine(_folder, "large", name, $"{i}.png"), 13, 9, (_, _) => new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)));
        var output = Path.Combine(_folder, "large.csv");

        NetworkPredictor.Predict(model, PredictionSource.For(Path.Combine(_folder, "large")), output, batchSize: 5);

        using var network = SavedNetwork.Load(model);
        using var decoded = ImageFolderReader.LoadLabeled(Path.Combine(_folder, "large"), new ImageDecoding(3, 6, 6), network.ClassNames);
        using var probabilities = network.PredictProbabilities(decoded.Features);
        var expected = probabilities.data<float>().ToArray();
        var rows = File.ReadAllLines(output).Skip(1).ToArray();
        rows.SelectMany(r => Probabilities(r)).Should().Equal(expected.Select(v => (double)v), (p, q) => Math.Abs(p - q) < 1e-6);
    }

    [Fact]
    public void A_flat_folder_of_images_is_unlabelled_and_still_names_each_file()
    {
        var model = Network("flat", [8, 8]);
        ImageFiles.Grey(Path.Combine(_folder, "flat", "b.png"), 8, 200);
        ImageFiles.Grey(Path.Combine(_folder, "flat", "a.jpg"), 8, 20);
        var output = Path.Combine(_folder, "flat.csv");

        var summary = NetworkPredictor.Predict(model, PredictionSource.For(Path.Combine(_folder, "flat"), "imagefolder"), output);

        var rows = File.ReadAllLines(output);
        rows[0].Should().Be("predicted,p_bottom,p_top,path");
        rows[1..].Select(r => r.Split(',')[^1]).Should().Equal("a.jpg", "b.png");
        summary.Accuracy.Should().BeNull();
    }

    [Fact]
    public void A_corrupt_image_names_the_file_and_an_unknown_class_folder_is_refused_by_name_and_nothing_is_written()
    {
        var model = Network("bad", [1, 8, 8]);
        var images = ImageData.Folder(Path.Combine(_folder, "images"), PerClass);
        var output = Path.Combine(_folder, "never.csv");
        var corrupt = Path.Combine(images, "top", "002.png");
        File.WriteAllBytes(corrupt, File.ReadAllBytes(corrupt)[..20]);

        FluentActions.Invoking(() => NetworkPredictor.Predict(model, PredictionSource.For(images, "imageFolder"), output, batchSize: 4))
            .Should().Throw<DataException>().WithMessage($"{corrupt}: the image is truncated*");
        File.Exists(output).Should().BeFalse();

        File.Delete(corrupt);
        ImageFiles.Grey(Path.Combine(images, "sideways", "000.png"), 8, 100);
        FluentActions.Invoking(() => NetworkPredictor.Predict(model, PredictionSource.For(images, "imageFolder"), output))
            .Should().Throw<DataException>().WithMessage($"{Path.Combine(images, "sideways")}: class folder 'sideways' is not one of the 2 training classes (bottom, top).");
        File.Exists(output).Should().BeFalse();
    }

    [Fact]
    public void A_network_whose_input_is_not_an_image_and_label_options_are_refused()
    {
        var spec = new MlpSpec(64, [4], 2, ActivationKind.Tanh);
        using (var network = MlpBuilder.Build(spec, seed: 1))
            SavedNetworkWriter.Save(network, spec, [64], new ScalerState("unit", [0f], [255f]), ImageData.Classes, Path.Combine(_folder, "flat-input", "network.safetensors"));
        var images = ImageData.Folder(Path.Combine(_folder, "images"), 1);

        FluentActions.Invoking(() => NetworkPredictor.Predict(Path.Combine(_folder, "flat-input"), PredictionSource.For(images), Path.Combine(_folder, "never.csv")))
            .Should().Throw<PretrainException>().WithMessage("*network.json: the network takes examples of shape [64], which is not an image*");
        FluentActions.Invoking(() => PredictionSource.For(images, "imageFolder", labelColumn: "y")).Should().Throw<PretrainException>()
            .WithMessage("--label-column: applies to csv and tsv files; * is read as imageFolder (labels are the class folders' names).");
        PredictionSource.For(images).Should().BeEquivalentTo(new ImageFolderSourceSpec { Directory = images, Size = [] }, "a folder is an image folder");
    }
}
