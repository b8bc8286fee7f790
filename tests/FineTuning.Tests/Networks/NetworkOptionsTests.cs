using Pretrain.FineTuning.Caching;
using Pretrain.FineTuning.Freezing;
using Pretrain.FineTuning.Networks;
using Pretrain.FineTuning.Tests.Training;
using Pretrain.FineTuning.Training;
using Pretrain.Pretraining.Runtime;
using TorchSharp;

namespace Pretrain.FineTuning.Tests.Networks;

public sealed class NetworkOptionsTests
{
    [Fact]
    public void Batch_norm_and_prelu_layers_belong_to_their_hidden_layer()
    {
        using var network = MlpBuilder.Build(new MlpSpec(4, [8, 8], 3, ActivationKind.PRelu) { BatchNorm = true, ActivationAlpha = 0.1 }, seed: 1);
        network.named_children().Select(c => c.name).Should().Equal("hidden1", "bn1", "act1", "hidden2", "bn2", "act2", "head");
        var groups = LayerGroups.Of(network);
        groups.Names.Should().Equal("hidden1", "hidden2", "head");
        groups.Groups[0].Parameters.Should().HaveCount(5, "weight and bias of hidden1, bn1's scale and shift, act1's slope");
        Freezer.FreezeTo(groups, 1).Should().Equal("hidden1");
        FrozenPrefix.Find(network).Should().Be(new FrozenPrefix.Plan(1, "bn1 normalizes with each batch's statistics while training"),
            "hidden1 alone is cached: the frozen bn1 above it still uses batch statistics");
    }

    [Fact]
    public void A_frozen_convolution_under_two_dimensional_batch_norm_is_cached_without_the_norm()
    {
        using var network = MlpBuilder.Build(new MlpSpec(36, [8], 3, ActivationKind.Relu)
        {
            BatchNorm = true,
            Convolutions = [new ConvLayerSpec(2, new Pretrain.Pretraining.Layers.ConvolutionGeometry(3, Padding: 1, PoolSize: 2))],
            ImageShape = [1, 6, 6],
        }, seed: 1);
        Freezer.FreezeTo(LayerGroups.Of(network), 1).Should().Equal("hidden1");
        var plan = FrozenPrefix.Find(network);
        plan.Reason.Should().Be("bn1 normalizes with each batch's statistics while training",
            "the frozen bn1 still normalizes with batch statistics in training mode, as bn1 of a dense layer does");
        network.named_children().Take(plan.Length).Select(c => c.module).Should().NotContain(m => m is TorchSharp.Modules.BatchNorm2d);
    }

    [Theory]
    [InlineData(ActivationKind.PRelu)]
    [InlineData(ActivationKind.Elu)]
    [InlineData(ActivationKind.LeakyRelu)]
    [InlineData(ActivationKind.Selu)]
    [InlineData(ActivationKind.Tanh)]
    public void Networks_with_each_activation_and_batch_norm_learn(ActivationKind activation)
    {
        using var data = Blobs.Make(30);
        using var network = MlpBuilder.Build(new MlpSpec(4, [16], 3, activation) { BatchNorm = true }, seed: 2);
        var history = new SupervisedTrainer(new SupervisedTrainingOptions { Epochs = 10, BatchSize = 10, LearningRate = 0.01 })
            .Fit(network, data, data, RunContext.Create(DeviceSpec.Cpu, 1));
        history.Epochs.Max(e => e.ValidationAccuracy!.Value).Should().BeGreaterThan(0.9);
    }
}
