using Pretrain.Pretraining.Data;

namespace Pretrain.Pretraining.Tests.Data;

public sealed class ChunkedEncoderRowsTests
{
    [Fact]
    public void Convolutional_feature_maps_get_chunks_of_at_most_16_MiB()
    {
        // 32 feature maps of 28x28 before 2x2 pooling: 100 KB a row.
        var rows = ChunkedEncoder.RowsWithin(32 * 28 * 28, 1024);
        rows.Should().BeLessThan(1024);
        (rows * 32L * 28 * 28 * sizeof(float)).Should().BeLessThanOrEqualTo(ChunkedEncoder.ChunkBytes);
    }

    [Fact]
    public void Narrow_dense_rows_keep_the_caller_s_batch_and_huge_rows_at_least_16()
    {
        ChunkedEncoder.RowsWithin(500, 1024).Should().Be(1024);
        ChunkedEncoder.RowsWithin(100_000_000, 1024).Should().Be(16);
        var act = () => ChunkedEncoder.RowsWithin(0, 1024);
        act.Should().Throw<ArgumentOutOfRangeException>();
    }
}
