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
    public void Bfloat16_gradients_reach_the_float32_master_weights_close_to_the_float32_gradients()
    {
        using var network = MlpBuilder.Build(new MlpSpec(6, [20, 12], 3, ActivationKind.Sigmoid), seed: 4);
        using var generator = new Generator(5);
        using var x = rand([9, 6], generator: generator);
        using var y = tensor(new long[] { 0, 1, 2, 0, 1, 2, 0, 1, 2 });
        Dictionary<string, Tensor> Gradients(Precision precision)
        {
            network.zero_grad();
            using var loss = nn.functional.cross_entropy(MixedPrecision.Forward(network, x, precision), y);
            loss.backward();
            return network.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone());
        }
        var exact = Gradients(Precision.Float32);
        var mixed = Gradients(Precision.BFloat16);
        mixed.Keys.Should().BeEquivalentTo(exact.Keys, "every weight and bias gets a gradient");
        foreach (var (name, gradient) in mixed)
        {
            gradient.dtype.Should().Be(ScalarType.Float32, name);
            var scale = exact[name].abs().max().item<float>();
            (gradient - exact[name]).abs().max().item<float>().Should().BeLessThan(0.05f * scale + 1e-4f, name);
        }
    }

    [Fact]
    public void Convolutions_run_in_bfloat16_with_gradients_close_to_the_float32_ones()
    {
        var spec = new MlpSpec(64, [8], 3, ActivationKind.Relu)
        {
            ImageShape = [1, 8, 8], BatchNorm = true,
            Convolutions = [new ConvLayerSpec(4, new ConvolutionGeometry(3, Padding: 1, PoolSize: 2)), new ConvLayerSpec(6, new ConvolutionGeometry(3, Padding: 1))],
        };
        using var network = MlpBuilder.Build(spec, seed: 6);
        using var generator = new Generator(7);
        using var x = rand([10, 64], generator: generator);
        using var y = tensor(new long[] { 0, 1, 2, 0, 1, 2, 0, 1, 2, 0 });
        (Tensor Output, Dictionary<string, Tensor> Gradients) Run(Precision precision)
        {
            network.zero_grad();
            var output = MixedPrecision.Forward(network, x, precision);
            using var loss = nn.functional.cross_entropy(output, y);
            loss.backward();
            return (output.detach(), network.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone()));
        }
        var (exactOutput, exact) = Run(Precision.Float32);
        var (mixedOutput, mixed) = Run(Precision.BFloat16);

        (mixedOutput - exactOutput).abs().max().item<float>().Should().BeLessThan(0.05f);
        using (var convolutionAlone = nn.Sequential(("image", new ImageView([1, 8, 8])), ("conv", new Convolution2d(1, 4, 3, padding: 1))))
        using (no_grad())
        {
            foreach (var parameter in convolutionAlone.parameters())
                parameter.uniform_(-1, 1, generator);
            using var alone = MixedPrecision.Forward(convolutionAlone, x, Precision.BFloat16);
            using var aloneExact = convolutionAlone.forward(x);
            alone.dtype.Should().Be(ScalarType.Float32);
            (alone - aloneExact).abs().max().item<float>().Should().BeGreaterThan(0f, "the convolution really ran in bfloat16");
            (alone - aloneExact).abs().max().item<float>().Should().BeLessThan(0.05f);
        }
        // The first convolution's gradient comes through the second's bfloat16 input gradient and is summed in bfloat16
        // itself, and batch normalization subtracts its mean from it: it keeps its direction (cosine 0.95 here), not
        // every value to 5%.
        foreach (var (name, minimum) in new[] { ("hidden1.weight", 0.9), ("hidden2.weight", 0.99), ("hidden3.weight", 0.99) })
        {
            mixed[name].dtype.Should().Be(ScalarType.Float32, name);
            nn.functional.cosine_similarity(mixed[name].flatten(), exact[name].flatten(), 0).item<float>().Should().BeGreaterThan((float)minimum, name);
        }
    }

    [Fact]
    public void Layers_other_than_linear_ones_and_activations_get_float32_inputs()
    {
        using var network = nn.Sequential(("linear", nn.Linear(4, 8)), ("relu", nn.ReLU()), ("norm", nn.BatchNorm1d(8)), ("out", nn.Linear(8, 2)));
        network.train();
        using var x = rand(6, 4);
        using var mixed = MixedPrecision.Forward(network, x, Precision.BFloat16);
        mixed.dtype.Should().Be(ScalarType.Float32);
        var norm = (TorchSharp.Modules.BatchNorm1d)network.named_children().Single(c => c.name == "norm").module;
        norm.running_mean!.dtype.Should().Be(ScalarType.Float32);
        norm.running_mean!.abs().sum().item<float>().Should().BeGreaterThan(0f, "the normalization ran and updated its statistics");
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
