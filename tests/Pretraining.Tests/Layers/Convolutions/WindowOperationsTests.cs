using Pretrain.Pretraining.Layers.Convolutions;
using Pretrain.Pretraining.Tests.Support;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Layers.Convolutions;

/// <summary>
/// The window operations replace libtorch's pooling and nearest-upsampling kernels, so each is checked against the
/// kernel it replaces: the same values and, through autograd, the same gradients.
/// </summary>
public sealed class WindowOperationsTests
{
    public static TheoryData<long[], int> MaxShapes => new()
    {
        { [2, 3, 8, 8], 2 },
        { [2, 3, 7, 9], 2 },   // a row and a column that fill no window
        { [3, 2, 9, 11], 3 },
        { [2, 1, 5, 5], 5 },
        { [1, 2, 4, 6], 1 },
    };

    [Theory]
    [MemberData(nameof(MaxShapes))]
    public void Window_maxima_and_their_gradients_are_max_pool2d_s(long[] shape, int pool)
    {
        using var scope = NewDisposeScope();
        // Gaussian float64 values have no ties, so the winner of every window is unique and both must pick it.
        using var generator = new Generator(7);
        var maps = randn(shape, dtype: ScalarType.Float64, generator: generator);
        var outputGradient = randn(nn.functional.max_pool2d(maps, [pool, pool]).shape, dtype: ScalarType.Float64, generator: generator);
        var (expected, expectedGradient) = AutogradProbe.ValueAndGradient(maps, outputGradient, m => nn.functional.max_pool2d(m, [pool, pool]));
        var (actual, actualGradient) = AutogradProbe.ValueAndGradient(maps, outputGradient, m => WindowMaxPooling.Pool(m, pool));

        actual.equal(expected).all().item<bool>().Should().BeTrue();
        actualGradient.equal(expectedGradient).all().item<bool>().Should().BeTrue();
        using (no_grad())
            WindowMaxPooling.Pool(maps, pool).equal(expected).all().item<bool>().Should().BeTrue("the path without gradients computes the same maxima");
    }

    [Fact]
    public void A_window_of_equal_values_gives_its_whole_gradient_to_one_element()
    {
        using var scope = NewDisposeScope();
        var maps = zeros([1, 1, 4, 4], dtype: ScalarType.Float64).requires_grad_(true);
        var pooled = WindowMaxPooling.Pool(maps, 2);
        pooled.backward([full([1, 1, 2, 2], 3.0, dtype: ScalarType.Float64)]);

        var perWindow = maps.grad!.view(2, 2, 2, 2).permute(0, 2, 1, 3).reshape(4, 4);
        perWindow.sum(1).equal(full(4, 3.0, dtype: ScalarType.Float64)).all().item<bool>().Should().BeTrue("each window passes on all of its gradient");
        perWindow.count_nonzero([1]).equal(ones(4, dtype: ScalarType.Int64)).all().item<bool>().Should().BeTrue("to exactly one element");
        maps.grad![0, 0, 0, 0].item<double>().Should().Be(3.0, "the first row and column win a tie");
    }

    [Theory]
    [InlineData(2, 4, 5)]
    [InlineData(3, 3, 2)]
    [InlineData(1, 3, 3)]
    public void Nearest_upsampling_and_its_gradient_are_interpolate_s(int factor, long rows, long columns)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(8);
        var maps = randn([2, 3, rows, columns], dtype: ScalarType.Float64, generator: generator);
        var outputGradient = randn([2, 3, rows * factor, columns * factor], dtype: ScalarType.Float64, generator: generator);
        var (expected, expectedGradient) = AutogradProbe.ValueAndGradient(maps, outputGradient,
            m => nn.functional.interpolate(m, size: [rows * factor, columns * factor], mode: InterpolationMode.Nearest));
        var (actual, actualGradient) = AutogradProbe.ValueAndGradient(maps, outputGradient, m => WindowUpsampling.Nearest(m, factor));

        actual.equal(expected).all().item<bool>().Should().BeTrue();
        actualGradient.allclose(expectedGradient, rtol: 1e-12, atol: 1e-12).Should().BeTrue();
    }

    [Theory]
    [InlineData(2, 8, 6)]
    [InlineData(3, 9, 3)]
    public void Window_sums_and_their_gradient_are_avg_pool2d_s_times_the_window(int pool, long rows, long columns)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(9);
        var maps = randn([2, 3, rows, columns], dtype: ScalarType.Float64, generator: generator);
        var outputGradient = randn([2, 3, rows / pool, columns / pool], dtype: ScalarType.Float64, generator: generator);
        var (expected, expectedGradient) = AutogradProbe.ValueAndGradient(maps, outputGradient, m => nn.functional.avg_pool2d(m, [pool, pool]) * (pool * pool));
        var (actual, actualGradient) = AutogradProbe.ValueAndGradient(maps, outputGradient, m => WindowSumPooling.Sum(m, pool));

        actual.allclose(expected, rtol: 1e-12, atol: 1e-12).Should().BeTrue();
        actualGradient.allclose(expectedGradient, rtol: 1e-12, atol: 1e-12).Should().BeTrue();
    }

    [Fact]
    public void Maps_that_are_not_images_or_not_whole_windows_are_refused_with_their_shape()
    {
        var flat = () => WindowMaxPooling.Pool(zeros(2, 16), 2);
        flat.Should().Throw<ArgumentException>().WithMessage("window max-pooling of 2x2 needs maps [B, C, H, W]*received [2, 16]*");
        var small = () => WindowMaxPooling.Pool(zeros(1, 1, 2, 2), 3);
        small.Should().Throw<ArgumentException>().WithMessage("*received [1, 1, 2, 2]*");
        var ragged = () => WindowSumPooling.Sum(zeros(1, 1, 5, 4), 2);
        ragged.Should().Throw<ArgumentException>().WithMessage("*multiples of 2; received [1, 1, 5, 4]*");
        var flatUpsampling = () => WindowUpsampling.Nearest(zeros(3, 4), 2);
        flatUpsampling.Should().Throw<ArgumentException>().WithMessage("*received [3, 4]*");
    }
}
