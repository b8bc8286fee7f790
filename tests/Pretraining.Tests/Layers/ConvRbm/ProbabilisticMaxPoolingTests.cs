using Pretrain.Pretraining.Layers.ConvRbm;
using Pretrain.Pretraining.Tests.Support;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Layers.ConvRbm;

public sealed class ProbabilisticMaxPoolingTests
{
    [Fact]
    public void Each_window_sums_to_at_most_one_and_the_pooled_unit_is_that_sum()
    {
        using var generator = new Generator(3);
        // Large pre-activations too: the softmax must neither overflow nor leave a window above one.
        using var pre = randn([2, 3, 6, 4], generator: generator) * 30;
        using var detection = ProbabilisticMaxPooling.DetectionProbabilities(pre, 2);
        using var pooled = ProbabilisticMaxPooling.Pooled(pre, 2);
        using var windowSums = nn.functional.avg_pool2d(detection, 2) * 4;

        detection.isfinite().all().item<bool>().Should().BeTrue();
        detection.min().item<float>().Should().BeGreaterThanOrEqualTo(0);
        windowSums.max().item<float>().Should().BeLessThanOrEqualTo(1 + 1e-6f);
        windowSums.allclose(pooled, rtol: 1e-5, atol: 1e-6).Should().BeTrue();
        pooled.shape.Should().Equal(2, 3, 3, 2);
    }

    [Fact]
    public void Samples_switch_on_at_most_one_unit_per_window_with_the_given_frequencies()
    {
        using var pre = tensor(new float[] { 1.0f, -0.5f, 0.3f, 0.0f }, [1, 1, 2, 2]).expand(4000, 1, 2, 2).contiguous();
        using var probabilities = ProbabilisticMaxPooling.DetectionProbabilities(pre, 2);
        using var generator = new Generator(11);
        using var samples = ProbabilisticMaxPooling.Sample(probabilities, 2, generator);

        using var perWindow = samples.sum([1, 2, 3]);
        perWindow.max().item<float>().Should().Be(1);
        using var frequencies = samples.mean([0]).flatten();
        // 4000 draws: a frequency's standard error is below 0.008, so 0.03 is about four of them.
        frequencies.allclose(probabilities[0].flatten(), atol: 0.03).Should().BeTrue();
        using var off = 1 - perWindow.mean();
        off.item<float>().Should().BeApproximately(1 - probabilities[0].sum().item<float>(), 0.03f);
    }

    [Fact]
    public void Detection_probabilities_refuse_maps_that_are_not_whole_windows()
    {
        using var pre = zeros(1, 1, 5, 4);
        var act = () => ProbabilisticMaxPooling.DetectionProbabilities(pre, 2);
        act.Should().Throw<ArgumentException>().WithMessage("*multiples of 2, received [1, 1, 5, 4]*");
    }

    [Fact]
    public void The_pooled_probability_has_the_gradient_finite_differences_give()
    {
        using var generator = new Generator(5);
        using var pre = randn([1, 2, 4, 6], generator: generator, dtype: ScalarType.Float64);
        using var weights = randn([1, 2, 2, 3], generator: generator, dtype: ScalarType.Float64);
        GradientCheck.MaxRelativeError(p => (ProbabilisticMaxPooling.Pooled(p[0], 2) * weights).sum(), [pre]).Should().BeLessThan(1e-6);
    }
}
