using Pretrain.Pretraining.Runtime;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Runtime;

public sealed class UniformDrawsTests
{
    [Fact]
    public void Draws_are_uniform_on_the_unit_interval_with_the_uniform_moments()
    {
        using var generator = new Generator(7);
        using var u = UniformDraws.Sample([1000, 1003], generator);

        u.shape.Should().Equal(1000, 1003);
        u.dtype.Should().Be(ScalarType.Float32);
        u.min().item<float>().Should().BeGreaterThanOrEqualTo(0);
        u.max().item<float>().Should().BeLessThan(1);
        u.mean().item<float>().Should().BeApproximately(0.5f, 0.002f);
        u.var().item<float>().Should().BeApproximately(1f / 12, 0.001f);
        // Ten equal bins: each holds a tenth, within about 6 standard deviations of a binomial count (sd ~ 300).
        using var counts = u.mul(10).floor().flatten().to(ScalarType.Int64).bincount(null, 10);
        counts.data<long>().ToArray().Should().OnlyContain(c => Math.Abs(c - 100_300) < 2_000);
    }

    [Fact]
    public void Neighbouring_draws_and_lanes_are_uncorrelated()
    {
        using var generator = new Generator(3);
        using var u = UniformDraws.Sample([400_000], generator) - 0.5;

        // Adjacent values come from different lanes; values eight apart from the same lane's consecutive outputs.
        foreach (var lag in new[] { 1, 7, 8, 9 })
        {
            using var a = u.narrow(0, 0, 400_000 - lag);
            using var b = u.narrow(0, lag, 400_000 - lag);
            var correlation = (a * b).mean().item<float>() / (1f / 12);
            correlation.Should().BeInRange(-0.01f, 0.01f, $"draws {lag} apart must be independent");
        }
    }

    [Fact]
    public void The_same_generator_state_gives_the_same_draws_and_another_seed_other_ones()
    {
        using var g1 = new Generator(11);
        using var g2 = new Generator(11);
        using var g3 = new Generator(12);

        using var a = UniformDraws.Sample([5, 13], g1);
        using var b = UniformDraws.Sample([5, 13], g2);
        using var c = UniformDraws.Sample([5, 13], g3);
        using var next = UniformDraws.Sample([5, 13], g1);

        a.equal(b).all().item<bool>().Should().BeTrue();
        a.equal(c).all().item<bool>().Should().BeFalse();
        a.equal(next).all().item<bool>().Should().BeFalse("each call advances the generator");
    }

    [Fact]
    public void Other_dtypes_and_empty_shapes_are_served()
    {
        using var generator = new Generator(1);
        using var doubles = UniformDraws.Sample([3, 2], generator, CPU, ScalarType.Float64);
        using var none = UniformDraws.Sample([0, 4], generator);

        doubles.dtype.Should().Be(ScalarType.Float64);
        doubles.shape.Should().Equal(3, 2);
        none.shape.Should().Equal(0, 4);
    }
}
