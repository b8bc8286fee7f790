using Pretrain.Pretraining.Layers.Convolutions;
using Pretrain.Pretraining.Tests.Support;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Layers.Convolutions;

/// <summary>
/// The managed 2x2 pass (<see cref="PairMaxKernel"/>, float32 on the CPU) against the tensor path that float64 maps
/// still take: the same maxima, the same winners among ties, the same gradients, with odd sizes and NaN.
/// </summary>
public sealed class PairMaxKernelTests
{
    public static TheoryData<long[]> Shapes => new()
    {
        { [2, 3, 28, 28] },   // full vector steps only
        { [2, 3, 14, 14] },   // a vector step and a tail of three windows
        { [1, 2, 7, 9] },     // a row and a column that fill no window
        { [1, 1, 2, 2] },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Maxima_and_gradients_equal_the_tensor_paths_with_ties_broken_the_same_way(long[] shape)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        // Values from {0, 1, 2}: most windows hold ties, so the rule that the earlier value keeps the gradient is tested.
        var maps = randint(0, 3, shape, generator: generator).to(ScalarType.Float32);
        var outputGradient = randn(nn.functional.max_pool2d(maps, [2, 2]).shape, generator: generator);
        PairMaxKernel.Applies(maps, 2).Should().BeTrue();
        PairMaxKernel.Applies(maps.to(ScalarType.Float64), 2).Should().BeFalse();

        var (actual, actualGradient) = AutogradProbe.ValueAndGradient(maps, outputGradient, m => WindowMaxPooling.Pool(m, 2));
        var (expected, expectedGradient) = AutogradProbe.ValueAndGradient(maps.to(ScalarType.Float64), outputGradient.to(ScalarType.Float64), m => WindowMaxPooling.Pool(m, 2));

        actual.to(ScalarType.Float64).equal(expected).all().item<bool>().Should().BeTrue();
        actualGradient.to(ScalarType.Float64).equal(expectedGradient).all().item<bool>().Should().BeTrue("each window's gradient goes to the same winner");
        using (no_grad())
            WindowMaxPooling.Pool(maps, 2).equal(actual).all().item<bool>().Should().BeTrue("the path without gradients computes the same maxima");
    }

    [Fact]
    public void Gaussian_maps_pool_to_max_pool2d_s_values_and_gradients()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(5);
        var maps = randn([4, 8, 28, 28], generator: generator);
        var outputGradient = randn([4, 8, 14, 14], generator: generator);

        var (expected, expectedGradient) = AutogradProbe.ValueAndGradient(maps, outputGradient, m => nn.functional.max_pool2d(m, [2, 2]));
        var (actual, actualGradient) = AutogradProbe.ValueAndGradient(maps, outputGradient, m => WindowMaxPooling.Pool(m, 2));

        actual.equal(expected).all().item<bool>().Should().BeTrue();
        actualGradient.equal(expectedGradient).all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void A_NaN_in_a_window_is_its_maximum_as_with_maximum()
    {
        using var scope = NewDisposeScope();
        var maps = zeros(1, 1, 4, 28);
        maps[0, 0, 1, 9] = tensor(float.NaN);    // lower row of window 4, in a vector step
        maps[0, 0, 2, 26] = tensor(float.NaN);   // upper row of window 13, in the tail

        using var _ = no_grad();
        var pooled = WindowMaxPooling.Pool(maps, 2);

        float.IsNaN(pooled[0, 0, 0, 4].item<float>()).Should().BeTrue();
        float.IsNaN(pooled[0, 0, 1, 13].item<float>()).Should().BeTrue();
        pooled.isnan().sum().item<long>().Should().Be(2, "only the windows holding a NaN");
    }
}
