using Pretrain.FineTuning.Networks;
using Pretrain.FineTuning.Training;
using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Layers.Autoencoders;
using Pretrain.Pretraining.Layers.ConvAutoencoders;
using Pretrain.Pretraining.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.Benchmarks;

/// <summary>
/// The convolutional loops of the baseline's <c>throughput_torch.py</c> (<c>f_conv_dae_block1</c>, <c>f_conv_finetune</c>),
/// with the layer and CNN of <see cref="ConvLoops"/> (which the <c>loops</c> mode times under those names) on rows of
/// this machine's Fashion-MNIST: one conv-autoencoder layer epoch with the baseline's upsampling decoder, the same layer
/// with Masci's unpooling (maxima in place) and with a tied transposed decoder for comparison, and one epoch of fine-tuning the CNN, batch 128.
///   dotnet run -c Release --project benchmarks/Pretrain.Benchmarks -- conv [--quick]
/// </summary>
internal static class ConvBenchmark
{
    public static int Run(string[] args)
    {
        var quick = args.Contains("--quick");
        var rows = quick ? 2000 : 20000;
        var repetitions = quick ? 1 : 3;
        var context = RunContext.Create(DeviceSpec.Auto, 0);
        var (data, description) = BenchmarkData.Load(rows);
        using var _ = data;
        using var input = new TensorLayerInput(data.Features.to(context.Device).reshape(rows, 1, 28, 28), owns: true);
        Console.WriteLine($"Data: {rows} rows of {description}; device {context.DescribeDevice()}; {repetitions} timed repetition(s) after a warm-up.");

        var layer = ConvLoops.Block1Layer;
        var dae = Measurement.Run("Conv DAE 1->32 3x3 pool 2 (upsampling decoder, masking, BCE, Adam), 1 epoch", rows, repetitions,
            () => layer.CreateTrainer().Fit(input, null, context, "conv1").Dispose());

        var switches = Measurement.Run("Conv DAE 1->32 3x3 pool 2 (maxima unpooled in place, upsampling decoder, masking, BCE, Adam), 1 epoch", rows, repetitions,
            () => (layer with { Unpooling = ConvUnpooling.Switches }).CreateTrainer().Fit(input, null, context, "conv1").Dispose());

        var transposed = Measurement.Run("Conv DAE 1->32 3x3 pool 2 (tied transposed decoder, masking, BCE, Adam), 1 epoch", rows, repetitions,
            () => (layer with { Decoder = ConvDecoder.Transposed, TiedWeights = true }).CreateTrainer().Fit(input, null, context, "conv1").Dispose());

        var spec = ConvLoops.FineTuneSpec;
        using var onDevice = data.To(context.Device);
        var finetune = Measurement.Run("CNN 1->32->64 (3x3, pool 2) -> 256 -> 10 fine-tuning, Adam, 1 epoch", rows, repetitions, () =>
        {
            using var network = MlpBuilder.Build(spec, seed: 1);
            network.to(context.Device);
            new SupervisedTrainer(new SupervisedTrainingOptions { Epochs = 1, BatchSize = 128 }).Fit(network, onDevice, null, context);
        });

        Console.WriteLine();
        Console.WriteLine("| benchmark | samples/s | median s |");
        Console.WriteLine("|---|---|---|");
        foreach (var m in new[] { dae, switches, transposed, finetune })
            Console.WriteLine($"| {m.Name} | {m.SamplesPerSecond:N0} | {m.Median:F2} |");
        return 0;
    }
}
