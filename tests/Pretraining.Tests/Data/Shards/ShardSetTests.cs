using Pretrain.Pretraining.Data.Shards;
using Pretrain.Pretraining.Tests.Support;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Data.Shards;

public sealed class ShardSetTests : TempFolder
{
    [Fact]
    public void Rows_written_in_batches_read_back_with_the_same_values_labels_and_shapes()
    {
        var folder = PathOf("set");
        var (features, labels) = ShardFiles.Write(folder);
        using var _ = features;
        using var __ = labels;

        var set = ShardSet.Open(folder, verifyChecksums: true);
        set.Count.Should().Be(1000);
        set.SampleShape.Should().Equal(4, 5);
        set.Manifest.Shards.Select(s => s.Rows).Should().Equal(300, 300, 300, 100);
        set.Manifest.ClassNames.Should().Equal("a", "b", "c");
        using var all = set.ReadAll();
        all.Features.Identical(features.reshape(1000, 20)).Should().BeTrue();
        all.Labels!.Identical(labels).Should().BeTrue();
        all.SampleShape.Should().Equal(4, 5);
        all.ClassCount.Should().Be(3);
        using var allLabels = set.ReadLabels();
        allLabels.Identical(labels).Should().BeTrue();
    }

    [Fact]
    public void Chosen_rows_come_back_in_the_order_asked_for_across_shards()
    {
        var folder = PathOf("set");
        var (features, labels) = ShardFiles.Write(folder);
        using var _ = features;
        using var __ = labels;
        using var indices = tensor(new long[] { 999, 0, 301, 299, 600, 5 });

        using var rows = ShardSet.Open(folder).ReadRows(indices);

        using var expected = features.reshape(1000, 20).index_select(0, indices);
        rows.Features.Identical(expected).Should().BeTrue();
        ShardFiles.Ids(rows.Features).Should().Equal(999, 0, 301, 299, 600, 5);
    }

    [Fact]
    public void The_shards_are_numpy_files_that_any_npy_reader_opens()
    {
        var folder = PathOf("set");
        var (features, labels) = ShardFiles.Write(folder, rows: 10, rowsPerShard: 10);
        using var _ = features;
        using var __ = labels;

        var array = Pretraining.Data.NpyReader.Read(Path.Combine(folder, "shard-00000.x.npy"));
        array.Shape.Should().Equal(10, 4, 5);
        array.Dtype.Should().Be("<f4");
    }

    [Fact]
    public void Rewriting_a_folder_replaces_the_old_set_and_a_folder_of_other_files_is_refused()
    {
        var folder = PathOf("set");
        ShardFiles.Write(folder, rows: 1000, rowsPerShard: 100).Features.Dispose();
        ShardFiles.Write(folder, rows: 50, rowsPerShard: 100).Features.Dispose();
        Directory.GetFiles(folder, "shard-*").Should().HaveCount(2, "the ten old shards are gone, one new shard of features and labels is there");
        ShardSet.Open(folder).Count.Should().Be(50);

        var other = PathOf("other");
        Directory.CreateDirectory(other);
        File.WriteAllText(Path.Combine(other, "notes.txt"), "mine");
        var act = () => new ShardWriter(other, [3], labeled: false, 10);
        act.Should().Throw<PretrainException>().WithMessage("*notes.txt*not part of a shard set*");
    }
}
