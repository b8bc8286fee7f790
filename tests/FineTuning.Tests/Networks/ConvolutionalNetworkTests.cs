using Pretrain.FineTuning.Networks;
using Pretrain.Pretraining.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Tests.Networks;

public sealed class ConvolutionalNetworkTests
{
    private static MlpSpec Spec(bool batchNorm = false) => new(64, [6], 3, ActivationKind.Relu)
    {
        ImageShape = [1, 8, 8],
        Convolutions = [new ConvLayerSpec(4, new ConvolutionGeometry(3, Padding: 1, PoolSize: 2)), new ConvLayerSpec(5, new ConvolutionGeometry(3))],
        BatchNorm = batchNorm,
    };

    [Fact]
    public void The_blocks_have_the_shapes_of_PyTorch_convolutions_and_pooling()
    {
        var spec = Spec();
        spec.ConvolutionShapes().Should().BeEquivalentTo(new[] { new long[] { 4, 4, 4 }, [5, 2, 2] }, o => o.WithStrictOrdering());
        spec.DenseInputFeatures.Should().Be(20);
        spec.LayerNames.Should().Equal("hidden1", "hidden2", "hidden3", "head");

        using var network = MlpBuilder.Build(spec, 1);
        using var logits = network.forward(rand(7, 64));
        logits.shape.Should().Equal(7, 3);
        network.named_parameters().Select(p => p.name).Should().Contain(["hidden1.weight", "hidden2.bias", "hidden3.weight", "head.weight"]);
    }

    [Fact]
    public void A_block_that_does_not_fit_is_named_with_the_sizes()
    {
        var spec = Spec() with { Convolutions = [new ConvLayerSpec(4, new ConvolutionGeometry(3, PoolSize: 2)), new ConvLayerSpec(5, new ConvolutionGeometry(5))] };
        spec.Invoking(s => s.ConvolutionShapes()).Should().Throw<ArgumentException>().WithMessage("hidden2: kernel 5 does not fit a 3x3 input*");
    }

    [Fact]
    public void The_convolution_matches_libtorchs_conv2d_forward_and_its_gradients_match_finite_differences()
    {
        using var generator = new Generator(2);
        using var convolution = new Convolution2d(2, 3, kernel: 3, stride: 2, padding: 1);
        using (no_grad())
        {
            convolution.Weight.copy_(randn(3, 2, 3, 3, generator: generator));
            convolution.Bias.copy_(randn(3, generator: generator));
        }
        using var x = randn([2, 2, 7, 7], dtype: ScalarType.Float64, generator: generator);

        using var expected = nn.functional.conv2d(x.to(ScalarType.Float32), convolution.Weight, convolution.Bias, strides: [2, 2], padding: [1, 1]);
        using var actual = convolution.forward(x.to(ScalarType.Float32));
        actual.allclose(expected, rtol: 1e-4, atol: 1e-5).Should().BeTrue();

        // Finite differences in float64 on the same function: loss = sum(conv(x)^2) / 2.
        using var w = convolution.Weight.detach().to(ScalarType.Float64).requires_grad_();
        using var b = convolution.Bias.detach().to(ScalarType.Float64).requires_grad_();
        Tensor Loss() => Pretrain.Pretraining.Layers.Convolutions.RepeatableConvolution.Conv2d(x, w, b, 2, 1).pow(2).sum() / 2;
        Loss().backward();
        var analytic = w.grad!.clone();
        using var _ = no_grad();
        foreach (var index in new long[] { 0, 7, 20, 53 })
        {
            var flat = w.view(-1);
            var saved = flat[index].item<double>();
            flat[index] = tensor(saved + 1e-6);
            var up = Loss().item<double>();
            flat[index] = tensor(saved - 1e-6);
            var down = Loss().item<double>();
            flat[index] = tensor(saved);
            var numeric = (up - down) / 2e-6;
            analytic.view(-1)[index].item<double>().Should().BeApproximately(numeric, 1e-4 * Math.Max(1, Math.Abs(numeric)));
        }
    }

    [Fact]
    public void A_small_CNN_learns_to_tell_vertical_from_horizontal_bars()
    {
        using var generator = new Generator(4);
        var (x, y) = Bars(256, generator);
        using var network = MlpBuilder.Build(Spec(batchNorm: true), generator);
        using var optimizer = optim.Adam(network.parameters(), lr: 0.01);
        double loss = double.NaN;
        network.train();
        for (var step = 0; step < 60; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var value = nn.functional.cross_entropy(network.forward(x), y);
            value.backward();
            optimizer.step();
            loss = value.item<float>();
        }
        loss.Should().BeLessThan(0.1, "bars are separable by a 3x3 kernel");
        x.Dispose();
        y.Dispose();
    }

    [Fact]
    public void The_same_seed_builds_the_same_network()
    {
        using var a = MlpBuilder.Build(Spec(), 9);
        using var b = MlpBuilder.Build(Spec(), 9);
        using var c = MlpBuilder.Build(Spec(), 10);
        a.state_dict().All(p => p.Value.allclose(b.state_dict()[p.Key], 0, 0)).Should().BeTrue();
        c.state_dict()["hidden1.weight"].allclose(a.state_dict()["hidden1.weight"], 0, 0).Should().BeFalse();
    }

    /// <summary>8x8 images with one vertical (class 0) or horizontal (class 1) bar, or none (class 2), plus noise.</summary>
    private static (Tensor X, Tensor Y) Bars(int count, Generator generator)
    {
        var y = randint(0, 3, [count], generator: generator);
        var images = rand([count, 8, 8], generator: generator) * 0.2;
        var position = randint(0, 8, [count], generator: generator).data<long>().ToArray();
        var labels = y.data<long>().ToArray();
        for (var i = 0; i < count; i++)
        {
            if (labels[i] == 0)
                images[i, .., position[i]] += 1;
            else if (labels[i] == 1)
                images[i, position[i], ..] += 1;
        }
        return (images.reshape(count, 64), y);
    }

    [Fact]
    public void A_ReLU_network_pools_before_its_activation_and_computes_what_the_written_order_computes()
    {
        using var network = MlpBuilder.Build(Spec(batchNorm: true), 4);
        network.named_children().Select(c => c.name).Should().StartWith(["image", "hidden1", "bn1", "pool1", "act1", "hidden2", "bn2", "act2", "flatten"],
            "the first block pools, the second does not");
        using var generator = new Generator(5);
        using var x = (randn([6, 64], generator: generator) * 2).round() / 2;

        var (logits, gradients) = LogitsAndGradients(network, x, c => c);
        // The same modules with every activation moved back in front of its pooling.
        var (written, writtenGradients) = LogitsAndGradients(network, x, children =>
        {
            var list = children.ToList();
            var pool = list.FindIndex(c => c.name == "pool1");
            (list[pool], list[pool + 1]) = (list[pool + 1], list[pool]);
            return list;
        });

        logits.equal(written).all().item<bool>().Should().BeTrue();
        gradients.Zip(writtenGradients).Should().OnlyContain(p => p.First.equal(p.Second).all().item<bool>());
        MlpBuilder.Build(Spec() with { Activation = ActivationKind.Sigmoid }, 4).named_children().Select(c => c.name)
            .Should().StartWith(["image", "hidden1", "act1", "pool1"], "a sigmoid saturates, so its pooling stays after it");
    }

    private static (Tensor Logits, List<Tensor> Gradients) LogitsAndGradients(Sequential network, Tensor x,
        Func<IEnumerable<(string name, nn.Module module)>, IEnumerable<(string name, nn.Module module)>> order)
    {
        network.zero_grad();
        var logits = order(network.named_children()).Aggregate(x.alias(), (h, c) => ((nn.Module<Tensor, Tensor>)c.module).forward(h));
        logits.pow(2).sum().backward();
        return (logits.detach(), network.parameters().Select(p => p.grad!.clone()).ToList());
    }
}
