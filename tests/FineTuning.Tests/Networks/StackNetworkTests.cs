using Pretrain.FineTuning.Networks;
using Pretrain.Pretraining;
using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Stacks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Tests.Networks;

public sealed class StackNetworkTests
{
    private static PretrainedStack Stack(EncoderActivation second = EncoderActivation.Sigmoid)
    {
        using var generator = new Generator(2);
        var stack = new PretrainedStack([6]);
        stack.Add(new PretrainedLayer("autoencoder", randn([5, 6], generator: generator), randn([5], generator: generator), EncoderActivation.Sigmoid));
        stack.Add(new PretrainedLayer("rbm", randn([4, 5], generator: generator), randn([4], generator: generator), second));
        return stack;
    }

    [Fact]
    public void The_network_starts_from_the_stack_and_adds_a_head()
    {
        using var stack = Stack();
        using var network = StackNetwork.Build(stack, classCount: 3, generator: new TorchSharp.torch.Generator(2));
        network.named_children().Select(c => c.name).Should().Equal("hidden1", "act1", "hidden2", "act2", "head");
        using var x = rand(7, 6);
        using var hidden = network.named_children().Take(4).Aggregate(x.alias(), (h, c) => ((nn.Module<Tensor, Tensor>)c.module).forward(h));
        using var encoded = stack.Encode(x);
        hidden.allclose(encoded, rtol: 1e-6, atol: 1e-6).Should().BeTrue();
        network.parameters().Should().OnlyContain(p => p.requires_grad, "every layer is fine-tuned");
    }

    [Fact]
    public void A_network_from_a_convolutional_stack_computes_the_stack_features_below_its_new_layers()
    {
        using var generator = new Generator(3);
        using var stack = ConvStack(generator);
        using var network = StackNetwork.Build(stack, 3, generator, extraLayers: [5]);
        network.eval();
        using var x = rand([4, 64], generator: generator);

        using var features = Below("flatten", network, x);
        using var expected = stack.Encode(x).flatten(1);
        using var logits = network.forward(x);

        features.allclose(expected, rtol: 1e-5, atol: 1e-6).Should().BeTrue("hidden1 is a trainable copy of the pretrained conv layer, with its pooling");
        logits.shape.Should().Equal(4, 3);
        network.named_children().Select(c => c.name).Should().StartWith(["image", "hidden1", "pool1", "act1", "flatten", "hidden2"], "ReLU runs after the pooling");
        StackNetwork.SpecFor(stack, 3).Convolutions.Should().ContainSingle().Which.Channels.Should().Be(2);
    }

    [Fact]
    public void A_network_from_a_convolutional_dbn_keeps_its_probabilistic_pooling()
    {
        using var generator = new Generator(6);
        using var stack = new PretrainedStack([8, 8]);
        stack.Add(new PretrainedLayer("convRbm", randn([2, 1, 3, 3], generator: generator), randn([2], generator: generator), EncoderActivation.Sigmoid,
            new ConvolutionGeometry(3, PoolSize: 2, Pooling: ConvPooling.Probabilistic), [1, 8, 8]));
        using var network = StackNetwork.Build(stack, 3, generator);
        network.eval();
        using var x = rand([4, 64], generator: generator);

        using var features = Below("flatten", network, x);
        using var expected = stack.Encode(x).flatten(1);

        features.allclose(expected, rtol: 1e-5, atol: 1e-6).Should().BeTrue("the pooling units' probabilities, not max-pooled sigmoids");
        network.named_children().Select(c => c.name).Should().StartWith(["image", "hidden1", "pool1", "flatten"]);
    }

    [Fact]
    public void Batch_normalization_after_pretrained_layers_starts_as_the_identity_once_calibrated()
    {
        using var generator = new Generator(3);
        using var stack = ConvStack(generator);
        using var data = rand([300, 64], generator: generator);
        using var plain = StackNetwork.Build(stack, 3, new Generator(5));
        using var normalized = StackNetwork.Build(stack, 3, new Generator(5), batchNorm: true);

        var calibrated = BatchNormCalibration.Calibrate(normalized, data);
        plain.eval();
        using var expected = plain.forward(data);
        using var actual = normalized.forward(data);

        calibrated.Should().Equal("bn1");
        actual.allclose(expected, rtol: 1e-4, atol: 1e-5).Should().BeTrue("calibrated batch normalization must keep the pretrained function at the start");
        // In training mode batch statistics take over: calibrated ones match them, fresh ones (mean 0, variance 1) do not.
        normalized.train();
        using var trained = normalized.forward(data);
        trained.allclose(expected, rtol: 1e-2, atol: 1e-2).Should().BeTrue();
        using var uncalibrated = StackNetwork.Build(stack, 3, new Generator(5), batchNorm: true);
        uncalibrated.train();
        using var changed = uncalibrated.forward(data);
        changed.allclose(expected, rtol: 1e-2, atol: 1e-2).Should().BeFalse("the test must be able to fail: fresh statistics rescale the features");
    }

    [Fact]
    public void Standard_start_normalizes_pretrained_features_and_estimates_the_running_statistics()
    {
        using var generator = new Generator(3);
        using var stack = ConvStack(generator);
        using var data = rand([300, 64], generator: generator);
        using var normalized = StackNetwork.Build(stack, 3, new Generator(5), batchNorm: true);

        BatchNormCalibration.Calibrate(normalized, data, start: BatchNormStart.Standard).Should().Equal("bn1");

        var norm = (TorchSharp.Modules.BatchNorm2d)normalized.named_children().Single(c => c.name == "bn1").module;
        norm.weight.allclose(ones_like(norm.weight)).Should().BeTrue();
        norm.bias!.allclose(zeros_like(norm.bias)).Should().BeTrue();
        // Evaluation with the estimated statistics normalizes each channel over examples and positions ...
        using var evaluated = Below("bn1", normalized, data);
        using var mean = evaluated.mean([0, 2, 3]);
        using var sd = evaluated.std([0, 2, 3]);
        mean.abs().max().item<float>().Should().BeLessThan(1e-3f);
        sd.sub(1).abs().max().item<float>().Should().BeLessThan(1e-2f);
        // ... as training mode does with the batch's own statistics, so the two agree from the first step.
        normalized.train();
        using var trained = Below("bn1", normalized, data);
        trained.allclose(evaluated, rtol: 1e-2, atol: 1e-2).Should().BeTrue();
    }

    private static PretrainedStack ConvStack(Generator generator)
    {
        var stack = new PretrainedStack([8, 8]);
        stack.Add(new PretrainedLayer("convAutoencoder", randn([2, 1, 3, 3], generator: generator), randn([2], generator: generator), EncoderActivation.Relu,
            new ConvolutionGeometry(3, PoolSize: 2), [1, 8, 8]));
        return stack;
    }

    /// <summary>The output of <paramref name="network"/>'s children up to and including <paramref name="last"/>.</summary>
    private static Tensor Below(string last, TorchSharp.Modules.Sequential network, Tensor x)
    {
        var h = x.alias();
        foreach (var (name, child) in network.named_children())
        {
            h = ((nn.Module<Tensor, Tensor>)child).forward(h);
            if (name == last)
                break;
        }
        return h;
    }

    [Fact]
    public void Mixed_or_linear_activations_are_refused_clearly()
    {
        using var mixed = Stack(EncoderActivation.Relu);
        var act = () => StackNetwork.SpecFor(mixed, 3);
        act.Should().Throw<PretrainException>().WithMessage("fine-tuning needs one activation for every layer; the stack mixes Sigmoid, Relu.");
    }

    [Fact]
    public void Glorot_uniform_respects_its_bound_and_zeroes_biases()
    {
        using var network = MlpBuilder.Build(new MlpSpec(100, [50], 10, ActivationKind.Sigmoid), seed: 1);
        using var generator = new Generator(1);
        Initializers.Apply(network, InitializerKind.GlorotUniform, generator, gain: 4);
        var hidden = (Linear)network.named_children().First().module;
        var bound = 4 * Math.Sqrt(6.0 / 150);
        hidden.weight!.abs().max().item<float>().Should().BeLessThanOrEqualTo((float)bound);
        hidden.weight.abs().max().item<float>().Should().BeGreaterThan((float)(0.9 * bound));
        hidden.bias!.abs().max().item<float>().Should().Be(0f);
    }

    [Fact]
    public void Upper_layers_can_be_dropped_replaced_or_added()
    {
        using var stack = Stack();
        using var dropped = StackNetwork.Build(stack, classCount: 3, generator: new TorchSharp.torch.Generator(3), reuse: 1);
        dropped.named_children().Select(c => c.name).Should().Equal("hidden1", "act1", "head");
        using var replaced = StackNetwork.Build(stack, classCount: 3, generator: new TorchSharp.torch.Generator(4), reuse: 1, extraLayers: [7]);
        var layers = replaced.named_children().ToDictionary(c => c.name, c => c.module);
        ((Linear)layers["hidden2"]).weight!.shape.Should().Equal(7L, 5L);
        ((Linear)layers["hidden1"]).weight!.equal(stack.Layers[0].Weight).all().item<bool>().Should().BeTrue("the reused layer keeps its pretrained weights");
        using var added = StackNetwork.Build(stack, classCount: 3, generator: new TorchSharp.torch.Generator(5), extraLayers: [6]);
        added.named_children().Count(c => c.name.StartsWith("hidden", StringComparison.Ordinal)).Should().Be(3);
        var tooMany = () => StackNetwork.SpecFor(stack, 3, reuse: 3);
        tooMany.Should().Throw<PretrainException>().WithMessage("model.reuseLayers: the pretrained stack has 2 layers; expected 1 to 2, received 3.");
    }
}
