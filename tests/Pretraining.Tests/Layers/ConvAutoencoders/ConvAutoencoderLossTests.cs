using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Layers.Autoencoders;
using Pretrain.Pretraining.Layers.ConvAutoencoders;
using Pretrain.Pretraining.Tests.Support;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Layers.ConvAutoencoders;

public sealed class ConvAutoencoderLossTests
{
    public static TheoryData<string> Variants => ["tied transposed, pooled, cross-entropy, sparse", "untied transposed, stride 2 with a remainder, squared error",
        "tied upsampling, even kernel, padding, pooled", "untied upsampling, stride 2, squared error, masked input",
        "untied upsampling, nearest unpooling, padding, pooled with a remainder"];

    private static ConvAutoencoderOptions OptionsFor(string variant) => variant switch
    {
        "tied transposed, pooled, cross-entropy, sparse" => new() { Channels = 3, Kernel = 3, PoolSize = 2, Activation = EncoderActivation.Sigmoid, SparsityTarget = 0.1, SparsityWeight = 0.5 },
        "untied transposed, stride 2 with a remainder, squared error" => new() { Channels = 3, Kernel = 3, Stride = 2, TiedWeights = false, Activation = EncoderActivation.Tanh, Loss = ReconstructionLoss.MeanSquaredError },
        "tied upsampling, even kernel, padding, pooled" => new() { Channels = 3, Kernel = 4, Padding = 1, PoolSize = 2, Decoder = ConvDecoder.Upsampling, Activation = EncoderActivation.Sigmoid },
        "untied upsampling, nearest unpooling, padding, pooled with a remainder" => new() { Channels = 3, Kernel = 3, Padding = 1, PoolSize = 2, Decoder = ConvDecoder.Upsampling, TiedWeights = false, Unpooling = ConvUnpooling.Nearest, Activation = EncoderActivation.Tanh },
        _ => new() { Channels = 3, Kernel = 3, Stride = 2, Decoder = ConvDecoder.Upsampling, TiedWeights = false, Activation = EncoderActivation.Tanh, Loss = ReconstructionLoss.MeanSquaredError },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void The_loss_has_the_gradient_finite_differences_give(string variant)
    {
        var options = OptionsFor(variant);
        long[] image = [2, 7, 7];
        using var generator = new Generator(8);
        using var x = rand([2, .. image], generator: generator, dtype: ScalarType.Float64);
        using var corrupted = Corruption.Masking(x, 0.3, generator);
        using var w = randn([3, 2, options.Kernel, options.Kernel], generator: generator, dtype: ScalarType.Float64) * 0.5;
        using var b = randn([3], generator: generator, dtype: ScalarType.Float64) * 0.1;
        long[] decoderShape = options.Decoder == ConvDecoder.Transposed ? [3, 2, options.Kernel, options.Kernel] : [2, 3, options.Kernel, options.Kernel];
        using var wd = randn(decoderShape, generator: generator, dtype: ScalarType.Float64) * 0.5;
        using var c = randn([2], generator: generator, dtype: ScalarType.Float64) * 0.1;
        var input = variant.Contains("masked", StringComparison.Ordinal) ? corrupted : x;

        Tensor Loss(Tensor[] p) => options.TiedWeights
            ? ConvAutoencoderModel.LossOf(options, image, p[0], p[1], null, p[2], x, input).Total
            : ConvAutoencoderModel.LossOf(options, image, p[0], p[1], p[3], p[2], x, input).Total;
        Tensor[] parameters = options.TiedWeights ? [w, b, c] : [w, b, c, wd];

        GradientCheck.MaxRelativeError(Loss, parameters).Should().BeLessThan(1e-5);
    }

    [Fact]
    public void Tied_upsampling_kernels_are_the_encoders_transposed_and_flipped()
    {
        // A 1x1-channel tied layer with a 3x3 kernel: the convolution back must use the kernel rotated by 180 degrees,
        // which is what a transposed convolution does; both decoders then agree on a stride-1 layer without pooling.
        var transposed = new ConvAutoencoderOptions { Channels = 1, Kernel = 3, Padding = 1, Activation = EncoderActivation.Linear, Loss = ReconstructionLoss.MeanSquaredError };
        var upsampling = transposed with { Decoder = ConvDecoder.Upsampling };
        long[] image = [1, 5, 5];
        using var generator = new Generator(3);
        using var x = rand([2, .. image], generator: generator, dtype: ScalarType.Float64);
        using var w = randn([1, 1, 3, 3], generator: generator, dtype: ScalarType.Float64);
        using var b = zeros([1], dtype: ScalarType.Float64);
        using var c = zeros([1], dtype: ScalarType.Float64);

        using var a = ConvAutoencoderModel.LossOf(transposed, image, w, b, null, c, x, x).Total;
        using var u = ConvAutoencoderModel.LossOf(upsampling, image, w, b, null, c, x, x).Total;

        a.item<double>().Should().BeApproximately(u.item<double>(), 1e-9);
    }

    [Fact]
    public void Nearest_unpooling_spreads_each_windows_maximum_over_the_window()
    {
        // A linear 1x1 layer with kernel 1 and weight 1 passes the image through; with 2x2 pooling and nearest unpooling
        // the decoder (also the identity) must then reconstruct every pixel as its window's maximum, while switches keep
        // the maximum in its place and zeros elsewhere.
        var nearest = new ConvAutoencoderOptions
        {
            Channels = 1, Kernel = 1, PoolSize = 2, Decoder = ConvDecoder.Upsampling, TiedWeights = false, Unpooling = ConvUnpooling.Nearest,
            Activation = EncoderActivation.Linear, Loss = ReconstructionLoss.MeanSquaredError,
        };
        long[] image = [1, 4, 4];
        using var x = arange(16, dtype: ScalarType.Float64).reshape(1, 1, 4, 4);
        using var one = ones([1, 1, 1, 1], dtype: ScalarType.Float64);
        using var zero = zeros([1], dtype: ScalarType.Float64);
        using var windowMaxima = tensor(new double[] { 5, 5, 7, 7, 5, 5, 7, 7, 13, 13, 15, 15, 13, 13, 15, 15 }, dtype: ScalarType.Float64).reshape(1, 1, 4, 4);

        using var spread = ConvAutoencoderModel.LossOf(nearest, image, one, zero, one, zero, windowMaxima, x).Total;
        using var switches = ConvAutoencoderModel.LossOf(nearest with { Unpooling = ConvUnpooling.Switches }, image, one, zero, one, zero, windowMaxima, x).Total;

        spread.item<double>().Should().Be(0);
        switches.item<double>().Should().BeGreaterThan(0);
    }
}
