using Pretrain.FineTuning.Networks;
using Pretrain.FineTuning.Training;
using Pretrain.Pretraining.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Tests.Training;

public sealed class RegularizationTests
{
    private static readonly MlpSpec Spec = new(4, [16], 3, ActivationKind.Relu);

    private static TorchSharp.Modules.Sequential Trained(SupervisedTrainingOptions options, TorchSharp.Modules.Sequential? from = null)
    {
        using var data = Blobs.Make(30);
        var network = MlpBuilder.Build(Spec, seed: 1);
        if (from is not null)
            SameWeights.Copy(from, network);
        new SupervisedTrainer(options).Fit(network, data, null, RunContext.Create(DeviceSpec.Cpu, 1));
        return network;
    }

    [Fact]
    public void Max_norm_keeps_every_units_incoming_weights_within_the_bound()
    {
        using var network = Trained(new SupervisedTrainingOptions { Epochs = 5, BatchSize = 10, LearningRate = 0.05, MaxNorm = 0.5 });
        foreach (var (name, weight) in network.named_parameters().Where(p => p.parameter.dim() == 2))
            weight.norm(1, p: 2).max().item<float>().Should().BeLessThanOrEqualTo(0.5f + 1e-5f, name);
    }

    [Fact]
    public void Clipping_by_value_bounds_every_first_step_change()
    {
        using var initial = MlpBuilder.Build(Spec, seed: 2);
        using var network = Trained(new SupervisedTrainingOptions { Epochs = 1, BatchSize = 90, Optimizer = OptimizerKind.Sgd, LearningRate = 1, ClipGradientValue = 1e-3 }, initial);
        var before = initial.state_dict();
        foreach (var (name, after) in network.state_dict())
            (after - before[name]).abs().max().item<float>().Should().BeLessThanOrEqualTo(1e-3f + 1e-7f, name);
    }

    [Fact]
    public void An_l1_penalty_shrinks_the_weights()
    {
        using var initial = MlpBuilder.Build(Spec, seed: 3);
        using var plain = Trained(new SupervisedTrainingOptions { Epochs = 10, BatchSize = 10, LearningRate = 0.01 }, initial);
        using var sparse = Trained(new SupervisedTrainingOptions { Epochs = 10, BatchSize = 10, LearningRate = 0.01, L1 = 0.01 }, initial);
        static float Total(TorchSharp.Modules.Sequential n) => n.named_parameters().Where(p => p.parameter.dim() == 2).Sum(p => p.parameter.abs().sum().item<float>());
        Total(sparse).Should().BeLessThan(0.8f * Total(plain));
    }

    [Theory]
    [InlineData(OptimizerKind.AdaGrad)]
    [InlineData(OptimizerKind.RmsProp)]
    [InlineData(OptimizerKind.Nesterov)]
    [InlineData(OptimizerKind.AdamW)]
    public void Every_optimizer_learns_separable_blobs(OptimizerKind kind)
    {
        using var network = Trained(new SupervisedTrainingOptions { Epochs = 15, BatchSize = 10, LearningRate = kind is OptimizerKind.Nesterov or OptimizerKind.AdaGrad ? 0.05 : 0.01, Optimizer = kind });
        using var data = Blobs.Make(30, seed: 1);
        Pretrain.FineTuning.Evaluation.ClassificationEvaluator.Evaluate(network, data, CPU).Accuracy.Should().BeGreaterThan(0.9);
    }
}
