using Pretrain.Pretraining.Layers.ConvRbm;
using Pretrain.Pretraining.Layers.Rbm;
using Pretrain.Pretraining.Tests.Support;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Layers.ConvRbm;

/// <summary>
/// The convolutional RBM's formulas against brute force over a tiny model (one 3x3 image, one 2x2 filter: four
/// hidden units), autograd against finite differences, and the CD statistics against the free energy's gradient.
/// </summary>
public sealed class ConvRbmMathTests
{
    private static readonly long[] Image = [1, 3, 3];

    private static ConvRbmModel Tiny(int pool, VisibleUnits visible = VisibleUnits.Bernoulli) => new(
        tensor(new double[] { 0.7, -1.2, 0.4, 1.5 }, [1, 1, 2, 2]), tensor(new double[] { -0.3 }), tensor(new double[] { 0.2 }), Image, visible, 0, pool);

    private static Tensor Visible() => tensor(new double[] { 1, 0, 1, 1, 1, 0, 0, 1, 0 }, [1, 1, 3, 3]);

    // E(v, h) = -sum_i h_i I_i(v) + the visible term, for the four hidden units as a 2x2 map.
    private static double Energy(ConvRbmModel model, Tensor v, double[] h)
    {
        using var scope = NewDisposeScope();
        var pre = model.HiddenPreActivation(v).flatten().data<double>().ToArray();
        var b = model.VisibleBias.item<double>();
        var visibleTerm = model.Visible == VisibleUnits.Bernoulli ? -b * v.sum().item<double>() : 0.5 * (v - b).square().sum().item<double>();
        return visibleTerm - pre.Select((value, i) => value * h[i]).Sum();
    }

    // Every hidden state the model allows: all 16 without pooling; with one 2x2 window, all off or exactly one on.
    private static IEnumerable<double[]> HiddenStates(int pool) => Enumerable.Range(0, 16)
        .Select(mask => Enumerable.Range(0, 4).Select(i => (double)((mask >> i) & 1)).ToArray())
        .Where(h => pool == 1 || h.Sum() <= 1);

    [Theory]
    [InlineData(1, VisibleUnits.Bernoulli)]
    [InlineData(2, VisibleUnits.Bernoulli)]
    [InlineData(1, VisibleUnits.Gaussian)]
    [InlineData(2, VisibleUnits.Gaussian)]
    public void The_free_energy_is_minus_the_log_of_the_sum_over_allowed_hidden_states(int pool, VisibleUnits visible)
    {
        using var model = Tiny(pool, visible);
        using var v = Visible();

        var bruteForce = -Math.Log(HiddenStates(pool).Sum(h => Math.Exp(-Energy(model, v, h))));

        using var free = model.FreeEnergy(v);
        free.item<double>().Should().BeApproximately(bruteForce, 1e-10);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Hidden_probabilities_are_the_brute_force_marginals(int pool)
    {
        using var model = Tiny(pool);
        using var v = Visible();
        var states = HiddenStates(pool).ToList();
        var weights = states.Select(h => Math.Exp(-Energy(model, v, h))).ToList();
        var marginals = Enumerable.Range(0, 4).Select(i => states.Select((h, s) => h[i] * weights[s]).Sum() / weights.Sum()).ToArray();

        using var probabilities = model.HiddenProbabilities(v);
        probabilities.flatten().data<double>().ToArray().Should().Equal(marginals, (a, b) => Math.Abs(a - b) < 1e-10);
        using var pooled = model.Output(v);
        var anyOn = states.Select((h, s) => h.Sum() > 0 ? weights[s] : 0).Sum() / weights.Sum();
        if (pool == 2)
            pooled.item<double>().Should().BeApproximately(anyOn, 1e-10, "the pooling unit is on when any unit of its window is");
    }

    [Fact]
    public void The_visible_mean_is_the_brute_force_conditional_of_each_pixel()
    {
        // Padding 1 and a non-symmetric kernel: a flipped or shifted transposed convolution would disagree.
        using var model = new ConvRbmModel(tensor(new double[] { 0.7, -1.2, 0.4, 1.5 }, [1, 1, 2, 2]), tensor(new double[] { -0.3 }), tensor(new double[] { 0.2 }),
            Image, VisibleUnits.Bernoulli, padding: 1);
        using var generator = new Generator(2);
        using var h = (rand([1, 1, 4, 4], generator: generator, dtype: ScalarType.Float64) > 0.5).to(ScalarType.Float64);
        using var v = Visible();
        using var mean = model.VisibleMean(h);
        for (var i = 0; i < 9; i++)
        {
            using var on = v.flatten().clone();
            on[i] = 1.0;
            using var off = v.flatten().clone();
            off[i] = 0.0;
            // p(v_i = 1 | h, rest) = sigmoid(E(off) - E(on)), with E = -sum h I(v) - b sum v.
            double EnergyOf(Tensor flat)
            {
                using var pre = model.HiddenPreActivation(flat.view(1, 1, 3, 3));
                return -(pre * h).sum().item<double>() - 0.2 * flat.sum().item<double>();
            }
            var expected = 1 / (1 + Math.Exp(-(EnergyOf(off) - EnergyOf(on))));
            mean.flatten()[i].item<double>().Should().BeApproximately(expected, 1e-10, $"pixel {i}");
        }
    }

    [Theory]
    [InlineData(1, 0, VisibleUnits.Bernoulli)]
    [InlineData(2, 1, VisibleUnits.Bernoulli)]
    [InlineData(2, 0, VisibleUnits.Gaussian)]
    public void The_free_energy_has_the_gradient_finite_differences_give(int pool, int padding, VisibleUnits visible)
    {
        using var generator = new Generator(7);
        using var v = rand([2, 2, 6, 6], generator: generator, dtype: ScalarType.Float64);
        using var w = randn([3, 2, 3 + padding, 3 + padding], generator: generator, dtype: ScalarType.Float64);
        using var c = randn([3], generator: generator, dtype: ScalarType.Float64) * 0.1;
        using var b = randn([2], generator: generator, dtype: ScalarType.Float64) * 0.1;

        Tensor Free(Tensor[] p) => ConvRbmModel.FreeEnergyOf(p[0], p[1], p[2], visible, padding, pool, v).sum();

        GradientCheck.MaxRelativeError(Free, [w, c, b]).Should().BeLessThan(1e-6);
    }

    [Theory]
    [InlineData(1, VisibleUnits.Bernoulli)]
    [InlineData(2, VisibleUnits.Bernoulli)]
    [InlineData(2, VisibleUnits.Gaussian)]
    public void The_cd_statistics_are_minus_the_gradient_of_the_free_energy_difference(int pool, VisibleUnits visible)
    {
        // <v h>_data - <v h>_model is -d/dtheta [mean F(v0) - mean F(vk)], here averaged over positions as well.
        using var generator = new Generator(9);
        using var w = randn([3, 2, 3, 3], generator: generator, dtype: ScalarType.Float64) * 0.5;
        using var c = randn([3], generator: generator, dtype: ScalarType.Float64) * 0.1;
        using var b = randn([2], generator: generator, dtype: ScalarType.Float64) * 0.1;
        using var model = new ConvRbmModel(w.clone(), c.clone(), b.clone(), [2, 8, 8], visible, padding: 1, poolSize: pool);
        using var v0 = rand([4, 2, 8, 8], generator: generator, dtype: ScalarType.Float64);
        using var vk = rand([3, 2, 8, 8], generator: generator, dtype: ScalarType.Float64);
        using var h0 = model.HiddenProbabilities(v0);
        using var hk = model.HiddenProbabilities(vk);
        var (dw, dc, db) = model.Gradient(v0, h0, vk, hk);

        using var scope = NewDisposeScope();
        var leaves = new[] { w, c, b }.Select(t => t.clone().requires_grad_(true)).ToArray();
        var difference = ConvRbmModel.FreeEnergyOf(leaves[0], leaves[1], leaves[2], visible, 1, pool, v0).mean()
            - ConvRbmModel.FreeEnergyOf(leaves[0], leaves[1], leaves[2], visible, 1, pool, vk).mean();
        difference.backward();
        const double positions = 8 * 8, pixels = 8 * 8;
        (dw * positions).allclose(-leaves[0].grad!, rtol: 1e-9, atol: 1e-12).Should().BeTrue();
        (dc * positions).allclose(-leaves[1].grad!, rtol: 1e-9, atol: 1e-12).Should().BeTrue();
        (db * pixels).allclose(-leaves[2].grad!, rtol: 1e-9, atol: 1e-12).Should().BeTrue();
        dw.Dispose();
        dc.Dispose();
        db.Dispose();
    }
}
