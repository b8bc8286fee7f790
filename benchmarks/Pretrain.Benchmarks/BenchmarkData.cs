using Pretrain.Pretraining.Data;
using static TorchSharp.torch;

namespace Pretrain.Benchmarks;

/// <summary>
/// The 60,000 Fashion-MNIST training images scaled to [0,1] (Debian's dataset-fashion-mnist), or, where that is not
/// installed, the embedded 5,000-image slice repeated to 60,000 rows: the same shapes and the same work per epoch.
/// </summary>
internal static class BenchmarkData
{
    public static (Dataset Data, string Description) Load(int rows)
    {
        Dataset raw;
        string description;
        if (File.Exists(Path.Combine(FashionMnist.DefaultDirectory, "train-images-idx3-ubyte.gz")))
        {
            raw = FashionMnist.Load(FashionMnist.DefaultDirectory, FashionMnistSplit.Train);
            description = "Fashion-MNIST training images";
        }
        else
        {
            raw = EmbeddedFashionMnist.Load(FashionMnistSplit.Train);
            description = "embedded Fashion-MNIST slice, repeated";
        }
        using (raw)
        {
            using var scope = NewDisposeScope();
            var repeats = (rows + raw.Count - 1) / raw.Count;
            var features = (raw.Features.repeat(repeats, 1).narrow(0, 0, rows) / 255f).contiguous();
            var labels = raw.Labels!.repeat(repeats).narrow(0, 0, rows).contiguous();
            return (new Dataset(features.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope(), raw.SampleShape, raw.Source, 10), description);
        }
    }
}
