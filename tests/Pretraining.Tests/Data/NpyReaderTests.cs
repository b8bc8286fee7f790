using Pretrain.Pretraining.Data;

namespace Pretrain.Pretraining.Tests.Data;

public sealed class NpyReaderTests : TempFolder
{
    private string Npy(string name, byte[] bytes) => IdxFiles.Write(PathOf(name), bytes);

    [Fact]
    public void Float32_float64_and_uint8_arrays_read_in_c_order()
    {
        using var f32 = NpyReader.Read(Npy("a.npy", NpyFiles.Bytes("<f4", [2, 3], NpyFiles.Floats(1, 2, 3, 4, 5, 6)))).ToFloatTensor();
        f32.shape.Should().Equal(2L, 3L);
        f32[1, 0].item<float>().Should().Be(4f);
        using var f64 = NpyReader.Read(Npy("b.npy", NpyFiles.Bytes("<f8", [2], NpyFiles.Doubles(0.5, -2), version: 2))).ToFloatTensor();
        f64.data<float>().ToArray().Should().Equal(0.5f, -2f);
        using var u8 = NpyReader.Read(Npy("c.npy", NpyFiles.Bytes("|u1", [3], [0, 128, 255]))).ToFloatTensor();
        u8.data<float>().ToArray().Should().Equal(0f, 128f, 255f);
    }

    [Fact]
    public void Features_and_labels_become_a_dataset_with_flattened_examples()
    {
        var x = Npy("x.npy", NpyFiles.Bytes("<f4", [2, 2, 2], NpyFiles.Floats(1, 2, 3, 4, 5, 6, 7, 8)));
        var y = Npy("y.npy", NpyFiles.Bytes("<i8", [2], NpyFiles.Longs(1, 0)));
        using var data = NpyReader.LoadLabeled(x, y);
        data.SampleShape.Should().Equal(2L, 2L);
        data.FeatureCount.Should().Be(4);
        data.Labels!.data<long>().ToArray().Should().Equal(1, 0);
    }

    [Fact]
    public void Image_arrays_keep_their_channels_height_and_width()
    {
        var x = Npy("images.npy", NpyFiles.Bytes("|u1", [2, 3, 2, 2], Enumerable.Range(0, 24).Select(i => (byte)i).ToArray()));
        using var data = NpyReader.LoadLabeled(x, null);
        data.SampleShape.Should().Equal(3L, 2L, 2L);
        data.Features[1, 4].item<float>().Should().Be(16f, "example 1, channel 1, row 0, column 0 in C order");
    }

    [Fact]
    public void The_dtype_is_read_from_the_header_alone()
    {
        NpyReader.ReadDtype(Npy("u.npy", NpyFiles.Bytes("|u1", [1, 1], [7]))).Should().Be("|u1");
        NpyReader.ReadDtype(Npy("f.npy", NpyFiles.Bytes("<f4", [1], NpyFiles.Floats(1), version: 3))).Should().Be("<f4");
        var npz = NpyFiles.WriteNpz(PathOf("e.npz"), new() { ["x"] = NpyFiles.Bytes("<f8", [1], NpyFiles.Doubles(1)) });
        NpzReader.ReadDtype(npz, "x").Should().Be("<f8");
        NpzReader.ReadDtype(npz, "images").Should().BeNull();
        var bad = () => NpyReader.ReadDtype(Npy("bad.npy", "not numpy at all"u8.ToArray()));
        bad.Should().Throw<DataException>().WithMessage("*bad.npy: not a NumPy .npy file*");
    }

    [Fact]
    public void An_npz_archive_reads_its_named_arrays()
    {
        var path = NpyFiles.WriteNpz(PathOf("d.npz"), new()
        {
            ["x"] = NpyFiles.Bytes("<f4", [3, 1], NpyFiles.Floats(1, 2, 3)),
            ["y"] = NpyFiles.Bytes("<i8", [3], NpyFiles.Longs(0, 1, 1)),
        });
        using var data = NpzReader.LoadLabeled(path);
        data.Count.Should().Be(3);
        data.ClassCount.Should().Be(2);
        var missing = () => NpzReader.LoadLabeled(path, "features", null);
        missing.Should().Throw<DataException>().WithMessage("*d.npz: no array named 'features'; the archive holds x, y.");
    }

    [Theory]
    [InlineData("empty.npy", "*empty.npy: empty file.")]
    [InlineData("magic.npy", "*magic.npy: not a NumPy .npy file*")]
    [InlineData("truncated.npy", "*truncated.npy: truncated data: shape (2, 3) of <f4 needs 24 bytes, the file has 8.")]
    [InlineData("fortran.npy", "*fortran.npy: Fortran-order arrays are not supported*")]
    [InlineData("bigendian.npy", "*bigendian.npy: big-endian dtype >f4 is not supported*")]
    [InlineData("complex.npy", "*complex.npy: unsupported dtype <c8*")]
    public void Bad_files_name_the_file_and_the_problem(string name, string message)
    {
        byte[] bytes = name switch
        {
            "empty.npy" => [],
            "magic.npy" => "PK\u0003\u0004 not numpy"u8.ToArray(),
            "truncated.npy" => NpyFiles.Bytes("<f4", [2, 3], NpyFiles.Floats(1, 2)),
            "fortran.npy" => NpyFiles.Bytes("<f4", [1], NpyFiles.Floats(1), fortran: true),
            "bigendian.npy" => NpyFiles.Bytes(">f4", [1], NpyFiles.Floats(1)),
            _ => NpyFiles.Bytes("<c8", [1], new byte[8]),
        };
        var act = () => NpyReader.Read(Npy(name, bytes));
        act.Should().Throw<DataException>().WithMessage(message);
    }

    [Fact]
    public void Nan_or_infinite_values_are_refused_with_their_position()
    {
        var path = Npy("nan.npy", NpyFiles.Bytes("<f4", [3, 1], NpyFiles.Floats(1, float.NaN, float.PositiveInfinity)));
        var act = () => NpyReader.LoadLabeled(path, null);
        act.Should().Throw<DataException>().WithMessage("*nan.npy: 2 NaN or infinite value(s); the first at flat index 1.");
    }

    [Fact]
    public void Labels_that_disagree_with_the_features_are_refused()
    {
        var x = Npy("x.npy", NpyFiles.Bytes("<f4", [2, 1], NpyFiles.Floats(1, 2)));
        var y = Npy("y.npy", NpyFiles.Bytes("<i8", [3], NpyFiles.Longs(0, 1, 0)));
        var act = () => NpyReader.LoadLabeled(x, y);
        act.Should().Throw<DataException>().WithMessage("*y.npy: expected 2 labels of shape [N], received [3].");
    }
}
