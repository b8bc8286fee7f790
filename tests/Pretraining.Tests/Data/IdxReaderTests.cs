using Pretrain.Pretraining.Data;

namespace Pretrain.Pretraining.Tests.Data;

public sealed class IdxReaderTests : TempFolder
{
    private static readonly byte[] ThreeImages = Enumerable.Range(0, 3 * 2 * 2).Select(i => (byte)(i * 20)).ToArray();

    private string Images(bool gzip = true) =>
        IdxFiles.Write(PathOf(gzip ? "images.gz" : "images.idx"), gzip ? IdxFiles.Gzip(IdxFiles.Bytes(8, [3, 2, 2], ThreeImages)) : IdxFiles.Bytes(8, [3, 2, 2], ThreeImages));

    private string Labels(params byte[] labels) => IdxFiles.Write(PathOf("labels.gz"), IdxFiles.Gzip(IdxFiles.Bytes(8, [labels.Length], labels)));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Gzipped_and_raw_files_read_to_the_same_values(bool gzip)
    {
        using var data = IdxReader.LoadLabeled(Images(gzip), Labels(2, 0, 1), classCount: 3);
        data.Count.Should().Be(3);
        data.SampleShape.Should().Equal(2L, 2L);
        data.Features.data<float>().ToArray().Should().Equal(ThreeImages.Select(b => (float)b));
        data.Labels!.data<long>().ToArray().Should().Equal(2, 0, 1);
        data.ClassCount.Should().Be(3);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var act = () => IdxReader.Read(PathOf("nope.gz"));
        act.Should().Throw<DataException>().WithMessage("*nope.gz: file not found.");
    }

    [Fact]
    public void An_empty_file_is_reported()
    {
        var act = () => IdxReader.Read(IdxFiles.Write(PathOf("empty.gz"), []));
        act.Should().Throw<DataException>().WithMessage("*empty.gz: empty file.");
    }

    [Fact]
    public void Truncated_gzip_is_reported_with_the_file_name()
    {
        var gz = IdxFiles.Gzip(IdxFiles.Bytes(8, [3, 2, 2], ThreeImages));
        var act = () => IdxReader.Read(IdxFiles.Write(PathOf("cut.gz"), gz[..(gz.Length / 2)]));
        act.Should().Throw<DataException>().WithMessage("*cut.gz*gzip*");
    }

    [Fact]
    public void Corrupt_gzip_is_reported_with_the_file_name()
    {
        var gz = IdxFiles.Gzip(IdxFiles.Bytes(8, [3, 2, 2], ThreeImages));
        for (var i = 12; i < gz.Length - 8; i++)
            gz[i] ^= 0x5A;
        var act = () => IdxReader.Read(IdxFiles.Write(PathOf("corrupt.gz"), gz));
        act.Should().Throw<DataException>().WithMessage("*corrupt.gz*");
    }

    [Fact]
    public void A_wrong_magic_number_is_reported()
    {
        var act = () => IdxReader.Read(IdxFiles.Write(PathOf("text.idx"), "hello world"u8.ToArray()));
        act.Should().Throw<DataException>().WithMessage("*text.idx: not an IDX file*magic number*");
        var floats = () => IdxReader.Read(IdxFiles.Write(PathOf("floats.idx"), IdxFiles.Bytes(0x0D, [1], [0, 0, 0, 0])));
        floats.Should().Throw<DataException>().WithMessage("*floats.idx: unsupported IDX data type 0x0d*");
    }

    [Fact]
    public void Dimensions_that_disagree_with_the_file_size_are_reported_both_ways()
    {
        var shortFile = () => IdxReader.Read(IdxFiles.Write(PathOf("short.idx"), IdxFiles.Bytes(8, [3, 2, 2], ThreeImages[..10])));
        shortFile.Should().Throw<DataException>().WithMessage("*short.idx: dimensions [3 x 2 x 2] need 12 data bytes but the file has 10 (truncated)*");
        var longFile = () => IdxReader.Read(IdxFiles.Write(PathOf("long.idx"), IdxFiles.Bytes(8, [3, 2, 2], [.. ThreeImages, 1, 2])));
        longFile.Should().Throw<DataException>().WithMessage("*long.idx*trailing bytes*");
        var header = () => IdxReader.Read(IdxFiles.Write(PathOf("header.idx"), IdxFiles.Bytes(8, [3, 2, 2], [])[..9]));
        header.Should().Throw<DataException>().WithMessage("*header.idx: truncated header*");
    }

    [Fact]
    public void A_label_count_mismatch_names_both_files()
    {
        var act = () => IdxReader.LoadLabeled(Images(), Labels(1, 2), classCount: 3);
        act.Should().Throw<DataException>().WithMessage("*labels.gz: 2 labels but *images.gz has 3 examples.");
    }

    [Fact]
    public void A_label_out_of_range_is_reported()
    {
        var act = () => IdxReader.LoadLabeled(Images(), Labels(0, 1, 7), classCount: 3);
        act.Should().Throw<DataException>().WithMessage("*labels.gz: label 7 is out of range: expected 0..2.");
    }
}
