using Pretrain.FineTuning.Evaluation;
using Pretrain.FineTuning.Networks;
using Pretrain.FineTuning.Training;
using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Runtime;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Tests.Training;

public sealed class MixedPrecisionTests
{
    [Fact]
    public void The_bfloat16_forward_pass_is_close_to_float32_and_returns_float32()
    {
        using var network = MlpBuilder.Build(new MlpSpec(4, [16], 3, ActivationKind.Relu), seed: 1);
        using var x = rand(5, 4);
        using var exact = network.forward(x);
        using var mixed = MixedPrecision.Forward(network, x, Precision.BFloat16);
        mixed.dtype.Should().Be(ScalarType.Float32);
        (mixed - exact).abs().max().item<float>().Should().BeLessThan(0.05f);
        (mixed - exact).abs().max().item<float>().Should().BeGreaterThan(0f, "the products really ran in bfloat16");
    }

    [Fact]
    public void Bfloat16_training_ends_close_to_float32()
    {
        using var data = Blobs.Make(30);
        using var validation = Blobs.Make(30, seed: 1);
        using var initial = MlpBuilder.Build(new MlpSpec(4, [16], 3, ActivationKind.Relu), seed: 2);
        double Accuracy(Precision precision)
        {
            using var network = MlpBuilder.Build(new MlpSpec(4, [16], 3, ActivationKind.Relu), seed: 3);
            SameWeights.Copy(initial, network);
            new SupervisedTrainer(new SupervisedTrainingOptions { Epochs = 10, BatchSize = 10, LearningRate = 0.01, Precision = precision })
                .Fit(network, data, null, RunContext.Create(DeviceSpec.Cpu, 1));
            return ClassificationEvaluator.Evaluate(network, validation, CPU).Accuracy;
        }
        var float32 = Accuracy(Precision.Float32);
        Accuracy(Precision.BFloat16).Should().BeGreaterThan(float32 - 0.05);
    }
}
