using Pretrain.FineTuning.Networks;
using Pretrain.FineTuning.Training;
using Pretrain.Pretraining.Data;
using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Layers.Autoencoders;
using Pretrain.Pretraining.Layers.ConvAutoencoders;
using Pretrain.Pretraining.Runtime;
using TorchSharp;

namespace Pretrain.Benchmarks;

/// <summary>
/// The convolutional loops of <c>throughput_torch.py</c> on its 10,000 images, batch 128: <c>f_conv_dae_block1</c> (conv
/// 1->32 3x3 padding 1, ReLU, 2x2 max-pooling, nearest upsampling of the pooled maps + 3x3 conv decoder, masking 0.25,
/// cross-entropy, Adam)
/// and <c>f_conv_finetune</c> (CNN 1->32->64 -> 256 -> 10, Adam, the same network trained on across repetitions; also
/// in bfloat16, convolutions and linear layers alike).
/// </summary>
internal static class ConvLoops
{
    /// <summary>The baseline runs its convolutional loops on the first 10,000 training images.</summary>
    private const int BaselineRows = 10000;

    /// <summary>The baseline's first conv-DAE block: one epoch of it is <c>f_conv_dae_block1</c>.</summary>
    public static ConvAutoencoderOptions Block1Layer { get; } = new()
    {
        Channels = 32, Kernel = 3, Padding = 1, PoolSize = 2, Decoder = ConvDecoder.Upsampling, Unpooling = ConvUnpooling.Nearest, TiedWeights = false,
        Noise = NoiseKind.Masking, NoiseLevel = 0.25, Epochs = 1, BatchSize = 128,
    };

    /// <summary>The baseline's CNN: one epoch of training it is <c>f_conv_finetune</c>.</summary>
    public static MlpSpec FineTuneSpec { get; } = new(784, [256], 10, ActivationKind.Relu)
    {
        ImageShape = [1, 28, 28],
        Convolutions = [new ConvLayerSpec(32, new ConvolutionGeometry(3, Padding: 1, PoolSize: 2)), new ConvLayerSpec(64, new ConvolutionGeometry(3, Padding: 1, PoolSize: 2))],
    };

    public static IEnumerable<LoopTiming?> Run(Dataset data, RunContext context, int repetitions)
    {
        var rows = (int)Math.Min(BaselineRows, data.Count);
        using var images = data.Features.narrow(0, 0, rows).reshape(rows, 1, 28, 28);
        using var input = new TensorLayerInput(images, owns: false);
        var layer = Block1Layer;
        yield return LoopTiming.Run("f_conv_dae_block1", "float32", rows, LoopFlops.ConvDae, repetitions,
            () => { layer.CreateTrainer().Fit(input, null, context, "conv1").Dispose(); return null; });

        var spec = FineTuneSpec;
        using var subset = new Dataset(data.Features.narrow(0, 0, rows), data.Labels!.narrow(0, 0, rows), data.SampleShape, data.Source, 10);
        foreach (var (name, precision) in new[] { ("float32", Precision.Float32), ("bfloat16", Precision.BFloat16) })
        {
            using var network = MlpBuilder.Build(spec, seed: 1);
            network.to(context.Device);
            var trainer = new SupervisedTrainer(new SupervisedTrainingOptions { Epochs = 1, BatchSize = 128, Precision = precision });
            yield return LoopTiming.Run("f_conv_finetune", name, rows, LoopFlops.ConvFineTune, repetitions,
                () => { trainer.Fit(network, subset, null, context); return null; });
        }
    }
}
