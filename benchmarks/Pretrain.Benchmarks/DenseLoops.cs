using Pretrain.FineTuning.Caching;
using Pretrain.FineTuning.Freezing;
using Pretrain.FineTuning.Networks;
using Pretrain.FineTuning.Training;
using Pretrain.Pretraining.Data;
using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Layers.Autoencoders;
using Pretrain.Pretraining.Layers.Rbm;
using Pretrain.Pretraining.Runtime;
using TorchSharp;

namespace Pretrain.Benchmarks;

/// <summary>
/// The dense loops of <c>throughput_torch.py</c> run by Pretrain on the same 60,000 images, batch 128, one epoch each:
/// <c>a_dae_784_500</c> (tied sigmoid DAE, masking 0.25, cross-entropy, Adam 1e-3), <c>b_rbm_cd1_784_500</c> (CD-1, lr
/// 0.05, momentum 0.5, weight decay 2e-4), <c>c_finetune_full</c> (784-500-500-10 sigmoid, Adam 1e-3, the same network
/// trained on across repetitions), <c>d_frozen_recompute</c> and <c>d_frozen_cached</c> (head only, the lower two layers
/// frozen; the cached epoch excludes building the cache, which the baseline also times apart); plus loops the baseline
/// lacks (CD-5, PCD-1) and bfloat16 variants, compared with PyTorch's float32 figure.
/// </summary>
internal static class DenseLoops
{
    public static IEnumerable<LoopTiming?> Run(Dataset data, RunContext context, int repetitions)
    {
        var rows = data.Count;
        using var input = new TensorLayerInput(data.Features, owns: false);
        LoopTiming? Layer(string name, string precision, double flops, LayerOptions options) => LoopTiming.Run(name, precision, rows, flops, repetitions,
            () => { options.CreateTrainer().Fit(input, null, context, name).Dispose(); return null; });

        var dae = new AutoencoderOptions { HiddenUnits = 500, Noise = NoiseKind.Masking, NoiseLevel = 0.25, Epochs = 1, BatchSize = 128 };
        yield return Layer("a_dae_784_500", "float32", LoopFlops.Dae, dae);
        yield return Layer("a_dae_784_500", "bfloat16", LoopFlops.Dae, dae with { Precision = Precision.BFloat16 });
        var rbm = new RbmOptions { HiddenUnits = 500, Epochs = 1, BatchSize = 128, MonitorPseudoLikelihood = false };
        yield return Layer("b_rbm_cd1_784_500", "float32", LoopFlops.Rbm(1), rbm);
        yield return Layer("b_rbm_cd1_784_500", "bfloat16", LoopFlops.Rbm(1), rbm with { Precision = Precision.BFloat16 });
        yield return Layer("b_rbm_cd5_784_500", "float32", LoopFlops.Rbm(5), rbm with { CdSteps = 5 });
        yield return Layer("b_rbm_pcd1_784_500", "float32", LoopFlops.Rbm(1), rbm with { Persistent = true });

        var options = new SupervisedTrainingOptions { Epochs = 1, BatchSize = 128 };
        foreach (var (precision, type) in new[] { ("float32", Precision.Float32), ("bfloat16", Precision.BFloat16) })
        {
            using var network = Network(context, freeze: false);
            var trainer = new SupervisedTrainer(options with { Precision = type });
            yield return LoopTiming.Run("c_finetune_full", precision, rows, LoopFlops.FineTune, repetitions,
                () => { trainer.Fit(network, data, null, context); return null; });
        }

        using (var frozen = Network(context, freeze: true))
        {
            var recompute = new CachingTrainer(options) { CacheFrozenLayers = false };
            yield return LoopTiming.Run("d_frozen_recompute", "float32", rows, LoopFlops.FrozenRecompute, repetitions,
                () => { recompute.Fit(frozen, data, null, context); return null; });
            var cached = new CachingTrainer(options);
            var epoch = new EpochSeconds();
            yield return LoopTiming.Run("d_frozen_cached", "float32", rows, LoopFlops.FrozenCached, repetitions,
                () => { cached.Fit(frozen, data, null, context, epoch); return epoch.Last; });
        }
    }

    /// <summary>784-500-500-10 with sigmoid units, like the baseline's <c>build_mlp</c>; the lower two layers frozen when asked.</summary>
    private static TorchSharp.Modules.Sequential Network(RunContext context, bool freeze)
    {
        var network = MlpBuilder.Build(new MlpSpec(784, [500, 500], 10, ActivationKind.Sigmoid), seed: 1);
        network.to(context.Device);
        if (freeze)
            Freezer.FreezeTo(LayerGroups.Of(network), 2);
        return network;
    }
}
