using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Layers.ConvRbm;
using Pretrain.Pretraining.Layers.Rbm;
using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Tests.Layers.ConvAutoencoders;
using Pretrain.Pretraining.Tests.Support;
using Pretrain.Pretraining.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Layers.ConvRbm;

public sealed class ConvRbmTrainerTests
{
    private static readonly ConvRbmOptions Small = new() { Channels = 4, Kernel = 3, Padding = 1, PoolSize = 2, Epochs = 2, BatchSize = 16 };

    private static PretrainedLayer Fit(ConvRbmOptions options, ILayerInput train, ILayerInput? validation = null, int seed = 1, List<EpochReport>? reports = null) =>
        new ConvRbmTrainer(options).Fit(train, validation, RunContext.Create(DeviceSpec.Cpu, seed), "convRbm", reports is null ? null : new Recorder(reports));

    private static string Trace(List<EpochReport> reports) =>
        "the epochs went " + string.Join(" | ", reports.Select(r => string.Join(",", r.Metrics.Select(m => $"{m.Key}={m.Value:G4}"))));

    [Theory]
    [InlineData(null, false, 0.1)]
    [InlineData(2, false, 0.3)]
    [InlineData(2, true, 0.3)]
    public void It_learns_images_of_bars(int? pool, bool persistent, double rate)
    {
        using var train = BarImages.Flat(256);
        using var validation = BarImages.Flat(64, seed: 22);
        var reports = new List<EpochReport>();
        var options = new ConvRbmOptions { Channels = 8, Kernel = 3, Padding = 1, PoolSize = pool, Persistent = persistent, Epochs = 15, BatchSize = 16, LearningRate = rate };
        using var layer = Fit(options, new ReshapedLayerInput(train, [8, 8]), new ReshapedLayerInput(validation, [8, 8]), reports: reports);

        // Guessing every pixel at the mean (15 ones among 64) costs 64 * p * (1 - p), about 11.5, in squared error.
        var first = reports[0].Metrics["validationReconstructionError"];
        var last = reports[^1].Metrics["validationReconstructionError"];
        last.Should().BeLessThan(first / 2, Trace(reports)).And.BeLessThan(3.0, Trace(reports));
        reports[^1].Metrics["freeEnergyValidation"].Should().BeLessThan(reports[0].Metrics["freeEnergyValidation"], "training lowers the free energy of images like the training ones");
    }

    private sealed class Recorder(List<EpochReport> reports) : ITrainingCallback
    {
        public void OnEpochEnd(EpochReport report) => reports.Add(report);
    }
}
