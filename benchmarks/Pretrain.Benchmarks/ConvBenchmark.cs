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
/// The convolutional loops of the baseline's <c>throughput_torch.py</c> (<c>f_conv_dae_block1</c>, <c>f_conv_finetune</c>):
/// one conv-autoencoder layer epoch (1->32 3x3, padding 1, 2x2 pooling, upsampling decoder, masking noise, BCE) and one
/// epoch of fine-tuning the CNN 1->32->64 (3x3, pooling) -> 256 -> 10 with Adam, batch 128, on Fashion-MNIST rows.
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

        var layer = new ConvAutoencoderOptions
        {
            Channels = 32, Kernel = 3, Padding = 1, PoolSize = 2, Decoder = ConvDecoder.Upsampling, TiedWeights = false,
            Noise = NoiseKind.Masking, NoiseLevel = 0.25, Epochs = 1, BatchSize = 128,
        };
        var dae = Measurement.Run("Conv DAE 1->32 3x3 pool 2 (upsampling decoder, masking, BCE, Adam), 1 epoch", rows, repetitions,
            () => layer.CreateTrainer().Fit(input, null, context, "conv1").Dispose());

        var transposed = Measurement.Run("Conv DAE 1->32 3x3 pool 2 (tied transposed decoder, masking, BCE, Adam), 1 epoch", rows, repetitions,
            () => (layer with { Decoder = ConvDecoder.Transposed, TiedWeights = true }).CreateTrainer().Fit(input, null, context, "conv1").Dispose());

        var spec = new MlpSpec(784, [256], 10, ActivationKind.Relu)
        {
            ImageShape = [1, 28, 28],
            Convolutions = [new ConvLayerSpec(32, new ConvolutionGeometry(3, Padding: 1, PoolSize: 2)), new ConvLayerSpec(64, new ConvolutionGeometry(3, Padding: 1, PoolSize: 2))],
        };
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
        foreach (var m in new[] { dae, transposed, finetune })
            Console.WriteLine($"| {m.Name} | {m.SamplesPerSecond:N0} | {m.Median:F2} |");
        return 0;
    }
}
