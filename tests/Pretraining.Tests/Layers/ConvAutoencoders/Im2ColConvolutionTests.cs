using Pretrain.Pretraining.Layers.ConvAutoencoders;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Layers.ConvAutoencoders;

public sealed class Im2ColConvolutionTests
{
    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    public void The_convolution_equals_libtorch_s_forward_pass(long stride, long padding)
    {
        using var generator = new Generator(2);
        using var x = rand([3, 2, 11, 9], generator: generator);
        using var w = randn([4, 2, 3, 3], generator: generator);
        using var b = randn([4], generator: generator);
        using var expected = nn.functional.conv2d(x, w, b, strides: [stride], padding: [padding]);
        using var actual = Im2ColConvolution.Conv2d(x, w, b, stride, padding);
        actual.allclose(expected, rtol: 1e-5, atol: 1e-5).Should().BeTrue();
    }

    [Theory]
    [InlineData(1, 0, 10, 10)]
    [InlineData(2, 1, 11, 11)]
    [InlineData(2, 0, 12, 9)]
    public void The_transposed_convolution_is_the_adjoint_of_the_convolution(long stride, long padding, long height, long width)
    {
        using var generator = new Generator(3);
        using var x = rand([2, 3, height, width], generator: generator, dtype: ScalarType.Float64);
        using var w = randn([5, 3, 3, 3], generator: generator, dtype: ScalarType.Float64);
        using var forward = Im2ColConvolution.Conv2d(x, w, null, stride, padding);
        using var y = randn(forward.shape, generator: generator, dtype: ScalarType.Float64);
        using var back = Im2ColConvolution.ConvTranspose2d(y, w, null, stride, padding, height, width);
        back.shape.Should().Equal(x.shape);
        (back * x).sum().item<double>().Should().BeApproximately((y * forward).sum().item<double>(), 1e-9);
    }

    [Fact]
    public void Input_gradients_are_repeatable_and_finite()
    {
        float[] Gradient()
        {
            using var generator = new Generator(5);
            using var x = rand([32, 4, 12, 12], generator: generator).requires_grad_();
            using var w = randn([8, 4, 3, 3], generator: generator);
            using var y = Im2ColConvolution.Conv2d(x, w, null);
            using var loss = (y * y).sum();
            loss.backward();
            return x.grad!.data<float>().ToArray();
        }

        var first = Gradient();
        first.Should().OnlyContain(v => float.IsFinite(v));
        for (var i = 0; i < 10; i++)
            Gradient().Should().Equal(first);
    }
}
