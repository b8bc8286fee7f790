using Pretrain.Pretraining.Data;
using Pretrain.Pretraining.Data.Images;
using SkiaSharp;

namespace Pretrain.Pretraining.Tests.Data.Images;

/// <summary>A folder per class of PNG/JPEG files becomes [C, H, W] examples with labels from the sorted folder names.</summary>
public sealed class ImageFolderReaderTests : TempFolder
{
    private static readonly ImageDecoding Grey4 = new(1, 4, 4);

    private static float[] Values(Dataset data, int row) => data.Features[row].data<float>().ToArray();

    [Fact]
    public void Class_folders_sorted_by_name_give_labels_and_a_channels_first_shape()
    {
        ImageFiles.Grey(PathOf("root/dog/a.png"), 4, 10);
        ImageFiles.Grey(PathOf("root/dog/b.png"), 4, 20);
        ImageFiles.Grey(PathOf("root/Zebra/z.png"), 4, 30);
        ImageFiles.Grey(PathOf("root/cat/sub/c.PNG"), 4, 40);
        File.WriteAllText(PathOf("root/cat/notes.txt"), "not an image, skipped");
        ImageFiles.Grey(PathOf("root/.thumbnails/t.png"), 4, 50);

        using var data = ImageFolderReader.LoadLabeled(PathOf("root"), Grey4);

        ImageFolderIndex.ClassNamesOf(PathOf("root")).Should().Equal("Zebra", "cat", "dog"); // ordinal, as Python's sorted
        data.SampleShape.Should().Equal(1, 4, 4);
        data.ClassCount.Should().Be(3);
        data.Labels!.data<long>().ToArray().Should().Equal(0, 1, 2, 2);
        data.Features.select(1, 0).data<float>().ToArray().Should().Equal(30, 40, 10, 20);
        Values(data, 0).Should().OnlyContain(v => v == 30, "a grey pixel keeps its value, unscaled");
    }

    [Fact]
    public void Rgb_images_give_three_planes_and_grayscale_the_luma()
    {
        ImageFiles.Write(PathOf("root/a/x.png"), 2, 1, (x, _) => x == 0 ? new SKColor(255, 0, 0) : new SKColor(0, 0, 255));

        using var rgb = ImageFolderReader.LoadLabeled(PathOf("root"), new ImageDecoding(3, 1, 2));
        using var grey = ImageFolderReader.LoadLabeled(PathOf("root"), new ImageDecoding(1, 1, 2));

        rgb.SampleShape.Should().Equal(3, 1, 2);
        Values(rgb, 0).Should().Equal(255, 0, 0, 0, 0, 255); // R plane, G plane, B plane
        Values(grey, 0).Should().Equal(76, 29); // 0.299 * 255 and 0.114 * 255, rounded (PIL's convert("L"))
    }

    [Fact]
    public void Images_are_resized_to_the_size_asked_for()
    {
        ImageFiles.Plain(PathOf("root/a/plain.png"), 10, 6, new SKColor(77, 77, 77));
        ImageFiles.Write(PathOf("root/b/halves.png"), 16, 16, (x, _) => x < 8 ? SKColors.Black : SKColors.White);

        using var data = ImageFolderReader.LoadLabeled(PathOf("root"), Grey4);

        Values(data, 0).Should().OnlyContain(v => v == 77, "resizing a plain image keeps its colour");
        var halves = Values(data, 1);
        for (var row = 0; row < 4; row++)
        {
            halves[row * 4].Should().BeLessThan(40);
            halves[row * 4 + 3].Should().BeGreaterThan(215);
        }
    }

    [Fact]
    public void Jpeg_files_decode_too()
    {
        ImageFiles.Plain(PathOf("root/a/x.jpg"), 8, 8, new SKColor(128, 128, 128), SKEncodedImageFormat.Jpeg);

        using var data = ImageFolderReader.LoadLabeled(PathOf("root"), new ImageDecoding(1, 8, 8));

        Values(data, 0).Should().OnlyContain(v => Math.Abs(v - 128) <= 2, "JPEG is lossy, but a plain grey survives");
    }

    [Fact]
    public void A_test_folder_takes_its_labels_from_the_training_classes()
    {
        ImageFiles.Grey(PathOf("test/dog/a.png"), 4, 1);

        using var data = ImageFolderReader.LoadLabeled(PathOf("test"), Grey4, ["cat", "dog", "fox"]);

        data.Labels!.data<long>().ToArray().Should().Equal(1);
        data.ClassCount.Should().Be(3);
        ImageFiles.Grey(PathOf("test/wolf/b.png"), 4, 1);
        var act = () => ImageFolderReader.LoadLabeled(PathOf("test"), Grey4, ["cat", "dog", "fox"]);
        act.Should().Throw<DataException>().WithMessage("*wolf: class folder 'wolf' is not one of the 3 training classes (cat, dog, fox).");
    }

    [Fact]
    public void A_file_that_is_not_an_image_fails_naming_the_first_bad_file_in_order()
    {
        for (var i = 0; i < 20; i++)
            ImageFiles.Grey(PathOf($"root/a/{i:D2}.png"), 4, (byte)i);
        File.WriteAllText(PathOf("root/a/07.png"), "this is text");
        var random = new Random(1);
        var noise = File.ReadAllBytes(ImageFiles.Write(PathOf("noise.png"), 64, 64, (_, _) => new SKColor((byte)random.Next(256), 0, 0)));
        File.WriteAllBytes(PathOf("root/a/15.png"), noise[..(noise.Length * 3 / 4)]);

        var act = () => ImageFolderReader.LoadLabeled(PathOf("root"), Grey4);

        act.Should().Throw<DataException>().Which.FilePath.Should().Be(PathOf("root/a/07.png"));
        File.Delete(PathOf("root/a/07.png"));
        act.Should().Throw<DataException>().WithMessage($"{PathOf("root/a/15.png")}: the image is truncated: the file ends before its pixels do.", "a truncated file is refused, not half-read");
        File.WriteAllBytes(PathOf("root/a/15.png"), noise[..40]);
        act.Should().Throw<DataException>().WithMessage($"{PathOf("root/a/15.png")}: the image is truncated*", "also when the header is cut");
    }

    [Fact]
    public void Empty_or_missing_folders_are_refused_with_their_paths()
    {
        Directory.CreateDirectory(PathOf("root/empty"));
        ImageFiles.Grey(PathOf("root/full/a.png"), 4, 1);
        Directory.CreateDirectory(PathOf("flat"));

        FluentActions.Invoking(() => ImageFolderReader.LoadLabeled(PathOf("root"), Grey4))
            .Should().Throw<DataException>().WithMessage($"{PathOf("root/empty")}: class folder 'empty' holds no .png/.jpg/.jpeg images.");
        FluentActions.Invoking(() => ImageFolderReader.LoadLabeled(PathOf("flat"), Grey4))
            .Should().Throw<DataException>().WithMessage($"{PathOf("flat")}: no class folders*");
        FluentActions.Invoking(() => ImageFolderReader.LoadUnlabeled(PathOf("missing"), Grey4))
            .Should().Throw<DataException>().WithMessage($"{PathOf("missing")}: folder not found.");
    }

    [Fact]
    public void Unlabeled_images_are_every_image_under_the_folder()
    {
        ImageFiles.Grey(PathOf("pool/b.png"), 4, 2);
        ImageFiles.Grey(PathOf("pool/deeper/a.png"), 4, 1);
        ImageFiles.Grey(PathOf("pool/a.png"), 4, 3);

        using var data = ImageFolderReader.LoadUnlabeled(PathOf("pool"), Grey4);

        data.Labels.Should().BeNull();
        data.Features.select(1, 0).data<float>().ToArray().Should().Equal(3, 2, 1); // a.png, b.png, deeper/a.png
    }

    [Fact]
    public void Decoding_in_parallel_chunks_matches_decoding_each_file_alone()
    {
        var random = new Random(3);
        for (var i = 0; i < 30; i++)
            ImageFiles.Write(PathOf($"root/{i % 3}/{i:D2}.png"), 6, 5, (_, _) => new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)));
        var decoding = new ImageDecoding(3, 4, 4);

        using var data = ImageFolderReader.LoadLabeled(PathOf("root"), decoding);

        var index = ImageFolderIndex.Labeled(PathOf("root"));
        for (var i = 0; i < index.Files.Count; i++)
        {
            var alone = new byte[decoding.SampleSize];
            ImageDecoder.Decode(index.Files[i], decoding, alone);
            Values(data, i).Should().Equal(alone.Select(b => (float)b), $"file {index.Files[i]}");
        }
    }
}
