using Microsoft.Extensions.Logging;
using Pretrain.Pretraining.Data.Shards;
using Pretrain.Pretraining.Greedy;
using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Tests.Support;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Greedy;

public sealed class SpillingCacheTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pretrain-spill-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static TensorLayerInput Data(int rows = 300, int width = 6)
    {
        using var generator = new Generator(3);
        return new TensorLayerInput(rand([rows, width], generator: generator));
    }

    [Fact]
    public void Under_a_tiny_budget_the_layers_above_read_spilled_outputs_equal_to_the_in_memory_cache()
    {
        using var input = Data();
        using var validation = Data(rows: 40);
        (Tensor Layer2, Tensor Layer3, List<string> Log) Run(MemoryBudget? budget)
        {
            var log = new ListLogger();
            using var t1 = new RecordingTrainer(5, 1);
            using var t2 = new RecordingTrainer(4, 2);
            using var t3 = new RecordingTrainer(3, 3);
            var cache = new FrozenOutputCache { MemoryBudget = budget, SpillFolder = _folder, BatchSize = 64 };
            using var stack = new GreedyPretrainer([new(t1), new(t2), new(t3)]) { Cache = cache }
                .Run(input, validation, [6], null, RunContext.Create(DeviceSpec.Cpu, 7, log));
            using var expected2 = stack.Encode(input.Values, 1);
            t2.SeenInputs!.allclose(expected2, rtol: 1e-5, atol: 1e-6).Should().BeTrue("layer 2 learns from layer 1's outputs");
            return (t2.SeenInputs!.clone(), t3.SeenInputs!.clone(), log.Lines);
        }

        var (memory2, memory3, memoryLog) = Run(null);
        var (disk2, disk3, diskLog) = Run(new MemoryBudget(2048));

        disk2.Identical(memory2).Should().BeTrue("layer 2 reads layer 1's outputs back from disk shards, bit for bit");
        disk3.Identical(memory3).Should().BeTrue("layer 3 reads layers 1 and 2's outputs back from disk shards");
        diskLog.Should().Contain(l => l.Contains("go to disk shards") && l.Contains("more than half the memory budget of 2.0 kB"));
        memoryLog.Should().Contain(l => l.Contains("go to host memory") && l.Contains("no memory budget set"));
        Directory.EnumerateFileSystemEntries(_folder).Should().BeEmpty("a spilled cache is deleted when the layer above is done with it");
        foreach (var t in new[] { memory2, memory3, disk2, disk3 })
            t.Dispose();
    }

    [Fact]
    public void A_cache_that_fits_half_the_budget_stays_in_host_memory_and_the_log_says_why()
    {
        var cache = new FrozenOutputCache { MemoryBudget = new MemoryBudget(1_000_000) };
        cache.Plan(500_000, CPU).Should().Be(new CachePlan(CachePlacement.Host, "500.0 kB, training on the CPU, fits half the memory budget of 1.0 MB"));
        cache.Plan(500_001, CPU).Placement.Should().Be(CachePlacement.DiskShards);
        new FrozenOutputCache().Plan(long.MaxValue / 2, CPU).Placement.Should().Be(CachePlacement.Host, "no budget means memory");
    }

    [Fact]
    public void A_spilled_cache_is_a_shard_set_that_reads_back_the_encoded_rows_in_order()
    {
        using var input = Data();
        using var generator = new Generator(9);
        using var layer = new PretrainedLayer("test", randn([4, 6], generator: generator), zeros([4]), EncoderActivation.Sigmoid);
        var cache = new FrozenOutputCache { MemoryBudget = new MemoryBudget(4096), SpillFolder = _folder, BatchSize = 50 };

        using var spilled = (ShardedLayerInput)cache.Build(layer, input, CPU);
        using var inMemory = (TensorLayerInput)cache.Build(layer, input, CPU, new CachePlan(CachePlacement.Host, "test"));

        spilled.Set.ShardCount.Should().BeGreaterThan(1, "an eighth of the budget per shard: 32 rows of 4 floats");
        var rows = spilled.Batches(64, null, CPU).Select(b => b.clone()).ToList();
        using var all = cat(rows, 0);
        all.Identical(inMemory.Values).Should().BeTrue("the same chunks encoded, written and read back");
        rows.ForEach(r => r.Dispose());
    }
}
