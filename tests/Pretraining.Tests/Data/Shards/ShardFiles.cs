using Pretrain.Pretraining.Data.Shards;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Data.Shards;

/// <summary>Small shard sets for tests: row i's first value is i, so a reader's order and coverage can be checked.</summary>
internal static class ShardFiles
{
    /// <summary>Features float32 [rows, 4, 5] (row i starts with i) and labels i % 3, written in appends of 77 rows.</summary>
    public static (Tensor Features, Tensor Labels) Write(string folder, int rows = 1000, int rowsPerShard = 300, bool labeled = true)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(11);
        var features = rand([rows, 4, 5], generator: generator);
        features.select(1, 0).select(1, 0).copy_(arange(rows, ScalarType.Float32));
        var labels = arange(rows, ScalarType.Int64).remainder(3);
        using var writer = new ShardWriter(folder, [4, 5], labeled, rowsPerShard) { ClassCount = 3, ClassNames = ["a", "b", "c"], Source = "test" };
        for (var start = 0; start < rows; start += 77)
        {
            var n = Math.Min(77, rows - start);
            writer.Append(features.narrow(0, start, n), labeled ? labels.narrow(0, start, n) : null);
        }
        writer.Complete();
        return (features.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope());
    }

    /// <summary>The row ids (first values) of a batch [B, ...].</summary>
    public static long[] Ids(Tensor batch)
    {
        using var scope = NewDisposeScope();
        return batch.reshape(batch.shape[0], -1).select(1, 0).to(ScalarType.Int64).data<long>().ToArray();
    }
}
