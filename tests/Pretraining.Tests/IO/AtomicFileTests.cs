using Pretrain.Pretraining.IO;

namespace Pretrain.Pretraining.Tests.IO;

public sealed class AtomicFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pretrain-atomic-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_write_that_fails_half_way_leaves_the_old_file_and_no_temporary_file()
    {
        var path = Path.Combine(_folder, "model.bin");
        AtomicFile.WriteAllText(path, "complete old content");

        var act = () => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[100]);
            throw new IOException("disk full (simulated)");
        });

        act.Should().Throw<IOException>();
        File.ReadAllText(path).Should().Be("complete old content");
        Directory.GetFiles(_folder).Should().ContainSingle();
    }

    [Fact]
    public void A_write_replaces_the_file_and_creates_missing_folders()
    {
        var path = Path.Combine(_folder, "a", "b", "x.json");
        AtomicFile.WriteAllText(path, "1");
        AtomicFile.WriteAllText(path, "2");
        File.ReadAllText(path).Should().Be("2");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_write_that_is_not_flushed_to_the_disk_is_still_atomic(bool failHalfWay)
    {
        var path = Path.Combine(_folder, "shard.npy");
        AtomicFile.Write(path, stream => stream.Write("old"u8), durable: false);

        var act = () => AtomicFile.Write(path, stream =>
        {
            stream.Write("new"u8);
            if (failHalfWay)
                throw new IOException("process killed (simulated)");
        }, durable: false);

        if (failHalfWay)
            act.Should().Throw<IOException>();
        else
            act.Should().NotThrow();
        File.ReadAllText(path).Should().Be(failHalfWay ? "old" : "new");
        Directory.GetFiles(_folder).Should().ContainSingle("no temporary file is left either way");
    }
}
