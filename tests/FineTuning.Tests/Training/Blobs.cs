using Pretrain.Pretraining.Data;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Tests.Training;

/// <summary>Seeded Gaussian blobs: <c>classes</c> well-separated clusters in <c>dimensions</c> dimensions.</summary>
internal static class Blobs
{
    public static Dataset Make(int perClass, int classes = 3, int dimensions = 4, ulong seed = 1, double spread = 0.5)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(seed);
        var centers = randn([classes, dimensions], generator: generator) * 3;
        var labels = arange(classes, dtype: ScalarType.Int64).repeat_interleave(perClass);
        var features = centers.index_select(0, labels) + randn([classes * perClass, dimensions], generator: generator) * spread;
        return new Dataset(features.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope(), [dimensions], "blobs", classes);
    }
}
