using System.IO.Compression;
using Pretrain.Pretraining.Data;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Data;

/// <summary>The streaming readers give, batch after batch, what the whole-file readers give, and the same errors.</summary>
public sealed class ExampleReaderTests : TempFolder
{
    private static readonly byte[] Pixels = Enumerable.Range(0, 7 * 2 * 3).Select(i => (byte)(i * 6 + 1)).ToArray();

    /// <summary>Every batch of <paramref name="reader"/> in batches of <paramref name="size"/>, joined.</summary>
    private static (float[] Features, long[]? Labels, int Batches) ReadAll(IExampleReader reader, int size)
    {
        var (features, labels, batches) = (new List<float>(), reader.HasLabels ? new List<long>() : null, 0);
        while (true)
        {
            using var scope = NewDisposeScope();
            if (reader.ReadBatch(size) is not { } batch)
                return (features.ToArray(), labels?.ToArray(), batches);
            batch.Features.shape[1].Should().Be(reader.SampleShape.Aggregate(1L, (a, b) => a * b));
            features.AddRange(batch.Features.data<float>().ToArray());
            labels?.AddRange(batch.Labels!.data<long>().ToArray());
            batches++;
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Idx_batches_hold_the_files_examples_and_labels_in_order(bool gzip)
    {
        var images = IdxFiles.Bytes(8, [7, 2, 3], Pixels);
        var path = IdxFiles.Write(PathOf("images"), gzip ? IdxFiles.Gzip(images) : images);
        var labels = IdxFiles.Write(PathOf("labels"), IdxFiles.Bytes(8, [7], [1, 0, 2, 2, 1, 0, 1]));

        using var reader = IdxExampleReader.Open(path, labels);
        reader.ExpectedCount.Should().Be(7);
        reader.SampleShape.Should().Equal(2L, 3L);
        var (features, read, batches) = ReadAll(reader, 3);

        using var whole = IdxReader.LoadLabeled(path, labels, null);
        features.Should().Equal(whole.Features.data<float>().ToArray());
        read.Should().Equal(1, 0, 2, 2, 1, 0, 1);
        batches.Should().Be(3);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void An_idx_file_cut_short_or_running_on_is_refused_when_the_batch_that_finds_it_is_read(bool gzip)
    {
        var cut = IdxFiles.Bytes(8, [7, 2, 3], Pixels[..^4]);
        var path = IdxFiles.Write(PathOf("cut"), gzip ? IdxFiles.Gzip(cut) : cut);
        using (var reader = IdxExampleReader.Open(path, null))
        {
            reader.ReadBatch(6).Should().NotBeNull("the first six examples are whole");
            FluentActions.Invoking(() => reader.ReadBatch(6)).Should().Throw<DataException>()
                .WithMessage($"{path}: dimensions [7 x 2 x 3] need 42 data bytes but the file has 38 (truncated).");
        }

        var longer = IdxFiles.Bytes(8, [7, 2, 3], [.. Pixels, 9]);
        var runOn = IdxFiles.Write(PathOf("run-on"), gzip ? IdxFiles.Gzip(longer) : longer);
        using (var reader = IdxExampleReader.Open(runOn, null))
        {
            reader.ReadBatch(10).Should().NotBeNull();
            FluentActions.Invoking(() => reader.ReadBatch(10)).Should().Throw<DataException>().WithMessage("*need 42 data bytes but the file has more (trailing bytes).");
        }
    }

    [Fact]
    public void Idx_header_and_label_problems_are_the_whole_file_readers()
    {
        var bad = IdxFiles.Write(PathOf("bad"), IdxFiles.Bytes(9, [7, 2, 3], Pixels));
        FluentActions.Invoking(() => IdxExampleReader.Open(bad, null)).Should().Throw<DataException>().WithMessage("*unsupported IDX data type 0x09*");
        var images = IdxFiles.Write(PathOf("images"), IdxFiles.Bytes(8, [7, 2, 3], Pixels));
        var labels = IdxFiles.Write(PathOf("labels"), IdxFiles.Bytes(8, [6], [1, 0, 2, 2, 1, 0]));
        FluentActions.Invoking(() => IdxExampleReader.Open(images, labels)).Should().Throw<DataException>().WithMessage($"{labels}: 6 labels but {images} has 7 examples.");
    }

    [Fact]
    public void Npy_batches_convert_the_dtype_and_keep_the_labels_as_the_whole_file_reader_does()
    {
        var path = PathOf("x.npy");
        File.WriteAllBytes(path, NpyFiles.Bytes("<f8", [7, 2, 3], NpyFiles.Doubles(Pixels.Select(p => p / 4.0).ToArray())));
        var labels = PathOf("y.npy");
        File.WriteAllBytes(labels, NpyFiles.Bytes("<i8", [7], NpyFiles.Longs(2, 1, 0, 0, 1, 2, 2)));

        using var reader = NpyExampleReader.Open(path, labels);
        var (features, read, batches) = ReadAll(reader, 2);

        using var whole = NpyReader.LoadLabeled(path, labels);
        features.Should().Equal(whole.Features.data<float>().ToArray());
        read.Should().Equal(2, 1, 0, 0, 1, 2, 2);
        batches.Should().Be(4);
        reader.SampleShape.Should().Equal(2L, 3L);
    }

    [Fact]
    public void A_nan_in_an_npy_batch_names_the_file_and_the_examples()
    {
        var values = Enumerable.Range(0, 12).Select(i => (float)i).ToArray();
        values[9] = float.NaN;
        var path = PathOf("nan.npy");
        File.WriteAllBytes(path, NpyFiles.Bytes("<f4", [4, 3], NpyFiles.Floats(values)));
        using var reader = NpyExampleReader.Open(path, null);
        reader.ReadBatch(2).Should().NotBeNull();
        FluentActions.Invoking(() => reader.ReadBatch(2)).Should().Throw<DataException>().WithMessage($"{path} (examples 2..3): 1 NaN or infinite value(s)*");
    }

    [Theory]
    [InlineData(CompressionLevel.NoCompression)]
    [InlineData(CompressionLevel.Optimal)]
    public void Npz_batches_are_read_from_the_archive_entry_as_the_whole_archive_reader_reads_it(CompressionLevel compression)
    {
        // 300 examples of 40 float64 values (96 kB), so that the entry spans many of the inflater's buffers and batches.
        var values = Enumerable.Range(0, 300 * 40).Select(i => Math.Sin(i) * 100).ToArray();
        var labels = Enumerable.Range(0, 300).Select(i => (long)(i * 7 % 5)).ToArray();
        var path = NpyFiles.WriteNpz(PathOf("d.npz"), new()
        {
            ["y"] = NpyFiles.Bytes("<i8", [300], NpyFiles.Longs(labels)),
            ["x"] = NpyFiles.Bytes("<f8", [300, 4, 10], NpyFiles.Doubles(values), version: 2),
        }, compression);

        using var reader = NpzExampleReader.Open(path);
        reader.ExpectedCount.Should().Be(300);
        reader.SampleShape.Should().Equal(4L, 10L);
        reader.Source.Should().Be(path);
        var (features, read, batches) = ReadAll(reader, 64);

        using var whole = NpzReader.LoadLabeled(path);
        features.Should().Equal(whole.Features.data<float>().ToArray());
        read.Should().Equal(labels);
        batches.Should().Be(5, "300 examples in batches of 64");
    }

    [Fact]
    public void Npz_problems_name_the_archive_and_the_array_as_the_whole_archive_reader_does()
    {
        var path = NpyFiles.WriteNpz(PathOf("e.npz"), new()
        {
            ["x"] = NpyFiles.Bytes("<f4", [3, 2], NpyFiles.Floats(1, 2, 3, 4, 5, float.PositiveInfinity)),
            ["y"] = NpyFiles.Bytes("<i8", [2], NpyFiles.Longs(0, 1)),
            ["z"] = "not numpy at all"u8.ToArray(),
        });
        FluentActions.Invoking(() => NpzExampleReader.Open(path, "features", null)).Should().Throw<DataException>()
            .WithMessage($"{path}: no array named 'features'; the archive holds x, y, z.");
        FluentActions.Invoking(() => NpzExampleReader.Open(path, "z", null)).Should().Throw<DataException>()
            .WithMessage($"{path}[z]: not a NumPy .npy file*");
        FluentActions.Invoking(() => NpzExampleReader.Open(path)).Should().Throw<DataException>()
            .WithMessage($"{path}[y]: expected 3 labels of shape [N], received [2].");
        using (var reader = NpzExampleReader.Open(path, labelsKey: null))
        {
            reader.ReadBatch(2).Should().NotBeNull();
            FluentActions.Invoking(() => reader.ReadBatch(2)).Should().Throw<DataException>().WithMessage($"{path}[x] (examples 2..2): 1 NaN or infinite value(s)*");
        }
        File.WriteAllText(PathOf("zip.npz"), "not a zip");
        FluentActions.Invoking(() => NpzExampleReader.Open(PathOf("zip.npz"))).Should().Throw<DataException>()
            .WithMessage($"{PathOf("zip.npz")}: not a valid .npz (zip) archive*");
    }

    [Fact]
    public void A_deflated_npz_entry_shorter_than_its_header_says_is_refused_naming_the_array_before_any_batch()
    {
        var values = Enumerable.Range(0, 200 * 8).Select(i => (double)(i % 251)).ToArray();
        var whole = NpyFiles.Bytes("<f8", [200, 8], NpyFiles.Doubles(values));
        // The header says 200 examples; the entry holds the bytes of 150, which the archive's directory says.
        var path = NpyFiles.WriteNpz(PathOf("short.npz"), new() { ["x"] = whole[..^(50 * 8 * 8)] });

        FluentActions.Invoking(() => NpzExampleReader.Open(path, labelsKey: null)).Should().Throw<DataException>()
            .WithMessage($"{path}[x]: truncated data: shape (200, 8) of <f8 needs 12800 bytes, the file has 9600.");
    }

    [Fact]
    public void Csv_batches_follow_the_rows_and_the_expected_count_comes_from_the_lines()
    {
        var path = PathOf("rows.csv");
        File.WriteAllLines(path, ["x,y,label", "1,2,0", "3,4,1", "5,6,1", "7,8,0", "9,10,1"]);
        using var reader = CsvExampleReader.Open(path, new CsvOptions { LabelColumn = "label" });
        reader.ExpectedCount.Should().Be(5);
        var (features, labels, batches) = ReadAll(reader, 2);
        features.Should().Equal(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        labels.Should().Equal(0, 1, 1, 0, 1);
        batches.Should().Be(3);
    }
}
