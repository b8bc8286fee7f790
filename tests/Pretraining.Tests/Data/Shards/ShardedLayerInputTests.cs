using Pretrain.Pretraining.Data.Shards;
using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Layers.Autoencoders;
using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Data.Shards;

public sealed class ShardedLayerInputTests : TempFolder
{
    private const long RowBytes = 20 * sizeof(float) + sizeof(long);

    private ShardSet Written(int rows = 1000, int rowsPerShard = 100)
    {
        var (features, labels) = ShardFiles.Write(PathOf("set"), rows, rowsPerShard);
        features.Dispose();
        labels.Dispose();
        return ShardSet.Open(PathOf("set"));
    }

    private static List<long> Read(ShardedLayerInput input, int batchSize, Generator? shuffle, List<int>? sizes = null)
    {
        var ids = new List<long>();
        foreach (var batch in input.Batches(batchSize, shuffle, CPU))
        {
            batch.shape.Skip(1).Should().Equal(input.SampleShape);
            sizes?.Add((int)batch.shape[0]);
            ids.AddRange(ShardFiles.Ids(batch));
        }
        return ids;
    }

    [Fact]
    public void Without_a_generator_rows_come_in_storage_order_in_full_batches_and_one_last_smaller_one()
    {
        using var input = new ShardedLayerInput(Written(), windowBytes: 250 * RowBytes);
        var sizes = new List<int>();

        Read(input, 64, null, sizes).Should().Equal(Enumerable.Range(0, 1000).Select(i => (long)i));
        sizes.Take(sizes.Count - 1).Should().AllSatisfy(s => s.Should().Be(64));
        sizes[^1].Should().Be(1000 % 64);
    }

    [Fact]
    public void A_shuffled_pass_reads_every_row_exactly_once_in_a_seeded_order()
    {
        using var input = new ShardedLayerInput(Written(), windowBytes: 250 * RowBytes);
        using var a = new Generator(3);
        using var b = new Generator(3);

        var first = Read(input, 64, a);
        first.Order().Should().Equal(Enumerable.Range(0, 1000).Select(i => (long)i));
        first.Should().NotEqual(Enumerable.Range(0, 1000).Select(i => (long)i));
        Read(input, 64, b).Should().Equal(first, "the same generator state gives the same order");
        Read(input, 64, a).Should().NotEqual(first, "the next pass draws a new order");
    }

    [Fact]
    public void Shuffling_mixes_rows_of_several_shards_within_a_window_and_shard_order_changes()
    {
        using var input = new ShardedLayerInput(Written(), windowBytes: 250 * RowBytes);
        using var generator = new Generator(4);
        var sizes = new List<int>();
        var ids = Read(input, 50, generator, sizes);

        // A window of 250 rows spans three shards of 100: its first batch mixes rows of more than one shard.
        ids.Take(50).Select(i => i / 100).Distinct().Should().HaveCountGreaterThan(1);
        ids.Take(250).Select(i => i / 100).Distinct().Should().HaveCountLessThanOrEqualTo(3, "a window holds at most the 250 rows of three shards");
        ids.Take(250).Select(i => i / 100).Distinct().Should().NotBeSubsetOf(new long[] { 0, 1, 2 }, "shard order is permuted, so the first window is not the first three shards");
    }

    [Fact]
    public void A_set_larger_than_the_budget_is_read_holding_no_more_than_the_budget()
    {
        using var set1 = NewDisposeScope();
        var set = Written(rows: 4000, rowsPerShard: 200);
        const long budget = 64 * 1024;
        set.Bytes.Should().BeGreaterThan(4 * budget, "the data set is several times the budget");
        using var input = new ShardedLayerInput(set, windowBytes: budget / 2);
        using var generator = new Generator(5);

        Read(input, 32, generator).Should().HaveCount(4000);
        input.PeakHeldBytes.Should().BeGreaterThan(0).And.BeLessThanOrEqualTo(budget,
            "the window (half the budget) plus one 200-row shard is all that is held at once");
    }

    [Fact]
    public void Rows_left_out_by_a_mask_are_never_read_and_the_transform_applies_to_every_batch()
    {
        var set = Written();
        using var keep = arange(1000).remainder(10).ne(0);
        using var input = new ShardedLayerInput(set, windowBytes: 250 * RowBytes, keep, transform: x => x * 2);
        using var generator = new Generator(6);

        input.Count.Should().Be(900);
        var ids = new List<long>();
        foreach (var batch in input.Batches(64, generator, CPU))
            ids.AddRange(ShardFiles.Ids(batch).Select(v => v / 2));
        ids.Order().Should().Equal(Enumerable.Range(0, 1000).Where(i => i % 10 != 0).Select(i => (long)i));
    }

    [Fact]
    public void Labeled_batches_keep_each_row_with_its_label()
    {
        using var input = new ShardedLayerInput(Written(), windowBytes: 250 * RowBytes);
        using var generator = new Generator(7);
        var count = 0;
        foreach (var (x, y) in input.LabeledBatches(64, generator, CPU))
        {
            ShardFiles.Ids(x).Select(i => i % 3).Should().Equal(y.data<long>().ToArray());
            count += (int)y.shape[0];
        }
        count.Should().Be(1000);
    }

    [Fact]
    public void Reading_more_passes_does_not_leave_more_live_tensors_behind()
    {
        using var input = new ShardedLayerInput(Written(), windowBytes: 250 * RowBytes, keep: arange(1000).remainder(7).ne(0), transform: x => x + 1);
        long LiveAfter(int passes)
        {
            var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            using var generator = new Generator(8);
            for (var pass = 0; pass < passes; pass++)
            {
                foreach (var batch in input.Batches(64, generator, CPU))
                {
                    using var scope = NewDisposeScope();
                    _ = batch.sum();
                }
                foreach (var (x, y) in input.LabeledBatches(64, generator, CPU))
                {
                    using var scope = NewDisposeScope();
                    _ = x.sum() + y.sum();
                }
            }
            return DisposeScopeManager.Statistics.ThreadTotalLiveCount - before;
        }
        LiveAfter(1);
        LiveAfter(5).Should().BeLessThanOrEqualTo(LiveAfter(2));
    }

    [Fact]
    public void An_autoencoder_learns_from_shards_as_well_as_from_memory()
    {
        // 2,000 examples of 20 features on a 3-dimensional subspace, streamed from shards of 100 through a 300-row window.
        using var generator = new Generator(5);
        using var basis = randn([3, 20], generator: generator);
        using var codes = randn([2000, 3], generator: generator);
        using var values = codes.mm(basis);
        using (var writer = new ShardWriter(PathOf("low-rank"), [20], labeled: false, 100))
        {
            writer.Append(values);
            writer.Complete();
        }
        using var sharded = new ShardedLayerInput(ShardSet.Open(PathOf("low-rank")), windowBytes: 300 * 20 * sizeof(float));
        using var inMemory = new TensorLayerInput(values, owns: false);
        var variance = values.var(0).sum().item<float>();
        var options = new AutoencoderOptions
        {
            HiddenUnits = 5, Activation = EncoderActivation.Linear, Loss = ReconstructionLoss.MeanSquaredError, Epochs = 15, BatchSize = 32, LearningRate = 0.01,
        };

        using var fromShards = new AutoencoderTrainer(options).Fit(sharded, sharded, RunContext.Create(DeviceSpec.Cpu, 1), "shards");
        using var fromMemory = new AutoencoderTrainer(options).Fit(inMemory, inMemory, RunContext.Create(DeviceSpec.Cpu, 1), "memory");

        var shardLoss = fromShards.Metrics["validationReconstruction"];
        shardLoss.Should().BeLessThan(0.05 * variance, $"a rank-3 signal fits through 5 units (variance per example {variance:F1})");
        shardLoss.Should().BeLessThan(2 * fromMemory.Metrics["validationReconstruction"] + 0.01 * variance, "streaming learns about as well as reading from memory");
    }

    [Fact]
    public void Fitting_a_scaler_on_the_stream_leaves_no_tensor_behind()
    {
        // A view left undisposed per batch keeps that batch's storage alive until the garbage collector runs: on a
        // 1.9 GB shard folder, 2 GB resident before fine-tuning had started.
        using var input = new ShardedLayerInput(Written(rows: 20000, rowsPerShard: 2000), windowBytes: 5000 * RowBytes);
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        new Pretrain.Pretraining.Data.UnitRangeScaler().Fit(input);
        (DisposeScopeManager.Statistics.ThreadTotalLiveCount - before).Should().Be(0);
    }
}
