using Pretrain.Pretraining.Layers.Convolutions;
using Pretrain.Pretraining.Tests.Support;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Layers.Convolutions;

/// <summary>
/// The managed factor-2 spread and window sums (<see cref="PairSpreadKernel"/>, float32 on the CPU) against libtorch:
/// nearest upsampling's values and gradients, and window sums added in the same order, so bit for bit.
/// </summary>
public sealed class PairSpreadKernelTests
{
    public static TheoryData<long[]> Shapes => new()
    {
        { [2, 3, 14, 14] },   // vector steps and a tail
        { [1, 2, 7, 9] },
        { [1, 1, 1, 1] },
        { [2, 4, 8, 16] },    // vector steps only
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Spreading_and_its_gradient_are_nearest_upsampling_s(long[] shape)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(11);
        var maps = randn(shape, generator: generator);
        var outputGradient = randn([shape[0], shape[1], 2 * shape[2], 2 * shape[3]], generator: generator);
        PairSpreadKernel.Applies(maps, 2).Should().BeTrue();

        var (expected, expectedGradient) = AutogradProbe.ValueAndGradient(maps, outputGradient, m => nn.functional.interpolate(m, scale_factor: [2, 2], mode: InterpolationMode.Nearest));
        var (actual, actualGradient) = AutogradProbe.ValueAndGradient(maps, outputGradient, m => WindowUpsampling.Nearest(m, 2));

        actual.equal(expected).all().item<bool>().Should().BeTrue();
        actualGradient.allclose(expectedGradient, rtol: 1e-6, atol: 1e-6).Should().BeTrue("libtorch may add the four gradients in another order");
        actualGradient.equal(WindowSumsInTensorPathOrder(outputGradient)).all().item<bool>().Should().BeTrue("the tensor path's order: the two rows, then the two columns");
    }

    [Fact]
    public void Window_sums_skip_a_trailing_odd_row_and_column()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(12);
        var maps = randn([2, 3, 9, 13], generator: generator);

        var sums = PairSpreadKernel.Sums(maps);

        sums.shape.Should().Equal(2, 3, 4, 6);
        sums.equal(WindowSumsInTensorPathOrder(maps.narrow(2, 0, 8).narrow(3, 0, 12))).all().item<bool>().Should().BeTrue();
    }

    private static Tensor WindowSumsInTensorPathOrder(Tensor maps)
    {
        var (h, w) = (maps.shape[2], maps.shape[3]);
        Tensor At(long row, long column) => maps.slice(2, row, h, 2).slice(3, column, w, 2);
        return (At(0, 0) + At(1, 0)) + (At(0, 1) + At(1, 1));
    }
}
