using Pretrain.Pretraining.Data;
using Pretrain.Pretraining.Data.Images;
using SkiaSharp;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Data.Images;

/// <summary>An image folder read a batch at a time gives what reading it whole gives, and says which file each example is.</summary>
public sealed class ImageFolderExampleReaderTests : TempFolder
{
    private static readonly ImageDecoding Rgb4 = new(3, 4, 4);

    private void Colourful(string root, int perClass)
    {
        var random = new Random(2);
        foreach (var name in new[] { "b", "a" })
            for (var i = 0; i < perClass; i++)
                ImageFiles.Write(PathOf($"{root}/{name}/{i:D2}.png"), 7, 5, (_, _) => new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)));
    }

    [Fact]
    public void Batches_decode_the_files_in_order_as_the_whole_folder_reader_does_and_name_them()
    {
        Colourful("root", 5);
        using var whole = ImageFolderReader.LoadLabeled(PathOf("root"), Rgb4, ["b", "a"]);

        using var reader = new ImageFolderExampleReader(ImageFolderIndex.LabeledOrFlat(PathOf("root"), ["b", "a"]), Rgb4);
        reader.ExpectedCount.Should().Be(10);
        reader.SampleShape.Should().Equal(3L, 4L, 4L);
        var (features, labels, batches) = (new List<float>(), new List<long>(), 0);
        while (true)
        {
            using var scope = NewDisposeScope();
            if (reader.ReadBatch(4) is not { } batch)
                break;
            features.AddRange(batch.Features.data<float>().ToArray());
            labels.AddRange(batch.Labels!.data<long>().ToArray());
            batches++;
        }

        batches.Should().Be(3);
        features.Should().Equal(whole.Features.data<float>().ToArray(), "the same decoding and resizing, a batch at a time");
        labels.Should().Equal(1, 1, 1, 1, 1, 0, 0, 0, 0, 0);
        reader.FileOf(0).Should().Be("a/00.png");
        reader.FileOf(9).Should().Be("b/04.png");
    }

    [Fact]
    public void A_folder_of_images_without_class_folders_is_unlabelled_and_one_with_both_is_refused()
    {
        ImageFiles.Grey(PathOf("flat/x.png"), 4, 10);
        ImageFiles.Grey(PathOf("flat/y.jpg"), 4, 20);

        var flat = ImageFolderIndex.LabeledOrFlat(PathOf("flat"), ["cat", "dog"]);
        flat.Labels.Should().BeNull();
        flat.Files.Select(Path.GetFileName).Should().Equal("x.png", "y.jpg");

        ImageFiles.Grey(PathOf("flat/cat/z.png"), 4, 30);
        FluentActions.Invoking(() => ImageFolderIndex.LabeledOrFlat(PathOf("flat"), ["cat", "dog"])).Should().Throw<DataException>()
            .WithMessage($"{PathOf("flat")}: holds both class folders (cat) and 2 image(s) directly inside (e.g. x.png); expected one or the other.");
        Directory.CreateDirectory(PathOf("nothing"));
        FluentActions.Invoking(() => ImageFolderIndex.LabeledOrFlat(PathOf("nothing"))).Should().Throw<DataException>()
            .WithMessage($"{PathOf("nothing")}: no .png/.jpg/.jpeg images and no class folders*");
    }

    [Fact]
    public void A_file_that_does_not_decode_stops_its_batch_naming_the_file()
    {
        Colourful("root", 3);
        File.WriteAllText(PathOf("root/b/01.png"), "not a png");
        using var reader = new ImageFolderExampleReader(ImageFolderIndex.LabeledOrFlat(PathOf("root")), Rgb4);

        using var scope = NewDisposeScope();
        reader.ReadBatch(4).Should().NotBeNull("a/00..02 and b/00 decode");
        FluentActions.Invoking(() => reader.ReadBatch(4)).Should().Throw<DataException>().Which.FilePath.Should().Be(PathOf("root/b/01.png"));
    }
}
