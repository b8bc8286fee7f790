using Pretrain.Pretraining.Layers.Convolutions;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Layers.Convolutions;

public sealed class RepeatableConvolutionTests
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
        using var actual = RepeatableConvolution.Conv2d(x, w, b, stride, padding);
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
        using var forward = RepeatableConvolution.Conv2d(x, w, null, stride, padding);
        using var y = randn(forward.shape, generator: generator, dtype: ScalarType.Float64);
        using var back = RepeatableConvolution.ConvTranspose2d(y, w, null, stride, padding, height, width);
        back.shape.Should().Equal(x.shape);
        (back * x).sum().item<double>().Should().BeApproximately((y * forward).sum().item<double>(), 1e-9);
    }

    [Theory]
    [InlineData(1, 0, 3)]
    [InlineData(2, 1, 3)]
    [InlineData(2, 0, 5)]
    [InlineData(3, 2, 5)]
    [InlineData(1, 2, 5)]
    public void Gradients_equal_libtorch_s_autograd(long stride, long padding, long kernel)
    {
        // In float64 libtorch takes its reference (non-oneDNN) kernels, whose gradients are sound.
        using var generator = new Generator(4);
        using var x = randn([3, 2, 11, 9], generator: generator, dtype: ScalarType.Float64).requires_grad_();
        using var w = randn([4, 2, kernel, kernel], generator: generator, dtype: ScalarType.Float64).requires_grad_();
        using var expected = nn.functional.conv2d(x, w, null, strides: [stride], padding: [padding]);
        using var upstream = randn(expected.shape, generator: generator, dtype: ScalarType.Float64);
        (expected * upstream).sum().backward();
        using var expectedInput = x.grad!.clone();
        using var expectedWeight = w.grad!.clone();
        x.grad!.zero_();
        w.grad!.zero_();

        using var actual = RepeatableConvolution.Conv2d(x, w, null, stride, padding);
        (actual * upstream).sum().backward();

        actual.allclose(expected, rtol: 1e-12, atol: 1e-12).Should().BeTrue();
        x.grad!.allclose(expectedInput, rtol: 1e-10, atol: 1e-10).Should().BeTrue();
        w.grad!.allclose(expectedWeight, rtol: 1e-10, atol: 1e-10).Should().BeTrue();
    }

    [Theory]
    [InlineData(1, 0, 11, 9)]
    [InlineData(2, 1, 11, 9)]
    [InlineData(3, 2, 12, 10)]
    public void The_transposed_convolution_equals_libtorch_s(long stride, long padding, long height, long width)
    {
        using var generator = new Generator(6);
        using var w = randn([4, 2, 3, 3], generator: generator, dtype: ScalarType.Float64);
        var (rows, columns) = ((height + 2 * padding - 3) / stride + 1, (width + 2 * padding - 3) / stride + 1);
        using var y = randn([2, 4, rows, columns], generator: generator, dtype: ScalarType.Float64);
        long[] outputPadding = [(height + 2 * padding - 3) % stride, (width + 2 * padding - 3) % stride];
        using var expected = nn.functional.conv_transpose2d(y, w, null, strides: [stride], padding: [padding], output_padding: outputPadding);
        using var actual = RepeatableConvolution.ConvTranspose2d(y, w, null, stride, padding, height, width);
        actual.shape.Should().Equal(expected.shape);
        actual.allclose(expected, rtol: 1e-12, atol: 1e-12).Should().BeTrue();
    }

    [Fact]
    public void A_transposed_convolution_to_an_impossible_size_is_refused()
    {
        using var y = zeros(1, 4, 5, 5);
        using var w = zeros(4, 2, 3, 3);
        var act = () => RepeatableConvolution.ConvTranspose2d(y, w, null, 1, 0, 9, 7);
        act.Should().Throw<ArgumentException>().WithMessage("*5x5 input*kernel 3*cannot give 9x7*");
    }

    [Fact]
    public void Input_gradients_are_repeatable_and_finite()
    {
        float[] Gradient()
        {
            using var generator = new Generator(5);
            using var x = rand([32, 4, 12, 12], generator: generator).requires_grad_();
            using var w = randn([8, 4, 3, 3], generator: generator);
            using var y = RepeatableConvolution.Conv2d(x, w, null);
            using var loss = (y * y).sum();
            loss.backward();
            return x.grad!.data<float>().ToArray();
        }

        var first = Gradient();
        first.Should().OnlyContain(v => float.IsFinite(v));
        for (var i = 0; i < 10; i++)
            Gradient().Should().Equal(first);
    }

    [Theory]
    [InlineData(3, 4, 11, 1, 1)]   // shapes where libtorch's own float32 input gradient was wrong here
    [InlineData(32, 1, 14, 1, 1)]
    [InlineData(32, 64, 14, 2, 1)]
    public void Float32_gradients_with_bias_match_float64_autograd(long channels, long outputChannels, long size, long stride, long padding)
    {
        using var generator = new Generator(8);
        using var x = randn([16, channels, size, size], generator: generator).requires_grad_();
        using var w = (randn([outputChannels, channels, 3, 3], generator: generator) * 0.1).requires_grad_();
        using var b = randn([outputChannels], generator: generator).requires_grad_();
        using var y = RepeatableConvolution.Conv2d(x, w, b, stride, padding);
        using var upstream = randn(y.shape, generator: generator);
        (y * upstream).sum().backward();

        using var x64 = x.detach().to(ScalarType.Float64).requires_grad_();
        using var w64 = w.detach().to(ScalarType.Float64).requires_grad_();
        using var b64 = b.detach().to(ScalarType.Float64).requires_grad_();
        using var y64 = nn.functional.conv2d(x64, w64, b64, strides: [stride], padding: [padding]);
        (y64 * upstream.to(ScalarType.Float64)).sum().backward();

        static double RelativeError(Tensor actual, Tensor expected) => ((actual.to(ScalarType.Float64) - expected).norm() / expected.norm()).item<double>();
        RelativeError(y, y64).Should().BeLessThan(1e-5);
        RelativeError(x.grad!, x64.grad!).Should().BeLessThan(1e-5);
        RelativeError(w.grad!, w64.grad!).Should().BeLessThan(1e-5);
        RelativeError(b.grad!, b64.grad!).Should().BeLessThan(1e-5);
    }
}
