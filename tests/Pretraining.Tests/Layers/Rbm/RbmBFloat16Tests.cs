using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Layers.Rbm;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Layers.Rbm;

public sealed class RbmBFloat16Tests
{
    private static RbmModel Model(Precision precision, int seed = 0)
    {
        using var generator = new Generator((ulong)seed);
        return new RbmModel(randn([30, 50], generator: generator) * 0.1, randn([30], generator: generator) * 0.1,
            randn([50], generator: generator) * 0.1, VisibleUnits.Bernoulli, precision);
    }

    [Fact]
    public void The_bfloat16_cd_gradient_is_the_float32_one_to_bfloat16_precision()
    {
        using var generator = new Generator(1);
        using var v0 = rand([16, 50], generator: generator);
        using var h0 = rand([16, 30], generator: generator);
        using var vk = rand([12, 50], generator: generator);
        using var hk = rand([12, 30], generator: generator);
        using var model = Model(Precision.BFloat16);
        var (exactWeight, exactHidden, exactVisible) = ContrastiveDivergence.Gradient(v0, h0, vk, hk);
        var (weight, hidden, visible) = model.Gradient(v0, h0, vk, hk);

        weight.dtype.Should().Be(ScalarType.Float32);
        weight.shape.Should().Equal(30, 50);
        var error = (weight - exactWeight).abs().max().item<float>();
        error.Should().BeGreaterThan(0f, "the statistics really ran in bfloat16");
        // bfloat16 keeps 8 bits: each input is off by at most 2^-9 of itself, the sum by about as much of its magnitude.
        error.Should().BeLessThan(0.01f * exactWeight.abs().max().item<float>() + 1e-3f);
        (hidden - exactHidden).abs().max().item<float>().Should().Be(0f);
        (visible - exactVisible).abs().max().item<float>().Should().Be(0f);
        foreach (var t in new[] { exactWeight, exactHidden, exactVisible, weight, hidden, visible })
            t.Dispose();
    }

    [Fact]
    public void Held_weights_give_the_same_products_as_converting_each_time_and_are_released_for_the_next_hold()
    {
        using var model = Model(Precision.BFloat16);
        using var generator = new Generator(2);
        using var v = rand([8, 50], generator: generator);
        using var free = model.HiddenProbabilities(v);
        using var freeMean = model.VisibleMean(free);
        using (model.HoldWeights())
        {
            using var held = model.HiddenProbabilities(v);
            using var heldMean = model.VisibleMean(held);
            held.allclose(free, rtol: 0, atol: 0).Should().BeTrue();
            heldMean.allclose(freeMean, rtol: 0, atol: 0).Should().BeTrue();
            var nested = () => model.HoldWeights();
            nested.Should().Throw<InvalidOperationException>();
        }
        // Weights changed after the hold are seen by the next products: nothing stale is kept.
        model.Weight.add_(1f);
        using var changed = model.HiddenProbabilities(v);
        changed.allclose(free, rtol: 0, atol: 0).Should().BeFalse();
        using (model.HoldWeights())
        {
            using var heldAgain = model.HiddenProbabilities(v);
            heldAgain.allclose(changed, rtol: 0, atol: 0).Should().BeTrue();
        }
    }

    [Fact]
    public void A_float32_model_holds_nothing_and_its_products_stay_exact()
    {
        using var model = Model(Precision.Float32);
        using var v = ones([2, 50]);
        using var outside = model.HiddenProbabilities(v);
        using (model.HoldWeights())
        using (model.HoldWeights())
        {
            using var inside = model.HiddenProbabilities(v);
            inside.allclose(outside, rtol: 0, atol: 0).Should().BeTrue();
        }
    }
}
