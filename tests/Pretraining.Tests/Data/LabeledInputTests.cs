using Pretrain.Pretraining.Data;
using Pretrain.Pretraining.Data.Shards;
using Pretrain.Pretraining.Tests.Data.Shards;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Data;

/// <summary>The two sources of labeled batches: a data set in memory and a shard stream.</summary>
public sealed class LabeledInputTests : TempFolder
{
    private static Dataset Rows(int count, bool labeled = true) =>
        new(arange(count, ScalarType.Float32).unsqueeze(1).repeat(1, 2), labeled ? arange(count, ScalarType.Int64).remainder(3) : null, [2], "rows", 3);

    private static (List<long> Ids, List<int> Sizes) Read(ILabeledInput input, int batchSize, Generator? shuffle)
    {
        var (ids, sizes) = (new List<long>(), new List<int>());
        foreach (var (x, y) in input.LabeledBatches(batchSize, shuffle, CPU))
        {
            var batch = ShardFiles.Ids(x);
            y.data<long>().ToArray().Should().Equal(batch.Select(i => i % 3), "each row keeps its label");
            ids.AddRange(batch);
            sizes.Add(batch.Length);
        }
        return (ids, sizes);
    }

    [Fact]
    public void A_data_set_gives_its_rows_in_storage_order_or_in_the_order_of_one_randperm_of_the_generator()
    {
        using var data = Rows(50);
        var (ordered, sizes) = Read(data, 16, shuffle: null);
        ordered.Should().Equal(Enumerable.Range(0, 50).Select(i => (long)i));
        sizes.Should().Equal(16, 16, 16, 2);

        using var generator = new Generator(3);
        var (shuffled, _) = Read(data, 16, generator);
        using var again = new Generator(3);
        using var expected = randperm(50, generator: again);
        shuffled.Should().Equal(expected.data<long>().ToArray(), "the supervised trainer has always drawn one randperm per epoch");
    }

    [Fact]
    public void Unlabeled_examples_are_refused_when_batches_are_asked_for()
    {
        using var data = Rows(10, labeled: false);
        data.HasLabels.Should().BeFalse();
        var act = () => data.LabeledBatches(4, null, CPU).ToList();
        act.Should().Throw<DataException>().WithMessage("rows: *need labels*");
    }

    [Fact]
    public void A_shard_stream_is_a_labeled_input_with_one_batch_per_batch_size_of_kept_rows()
    {
        var (features, labels) = ShardFiles.Write(PathOf("set"), rows: 500, rowsPerShard: 70);
        features.Dispose();
        labels.Dispose();
        using var keep = arange(500).remainder(4).ne(0);
        using var sharded = new ShardedLayerInput(ShardSet.Open(PathOf("set")), windowBytes: 120 * (20 * sizeof(float) + sizeof(long)), keep);
        ILabeledInput stream = sharded;
        (stream.Count, stream.FeatureCount, stream.ClassCount, stream.HasLabels).Should().Be((375L, 20, 3, true));
        stream.SampleShape.Should().Equal(4, 5);

        using var generator = new Generator(5);
        var (ids, sizes) = Read(stream, 32, generator);
        ids.Order().Should().Equal(Enumerable.Range(0, 500).Where(i => i % 4 != 0).Select(i => (long)i));
        sizes.Should().HaveCount((375 + 31) / 32).And.Subject.Take(sizes.Count - 1).Should().OnlyContain(s => s == 32);
    }
}
