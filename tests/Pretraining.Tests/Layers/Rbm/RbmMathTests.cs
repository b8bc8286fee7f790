using Pretrain.Pretraining.Layers.Rbm;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Layers.Rbm;

public sealed class RbmMathTests
{
    private static RbmModel Tiny() => new(
        tensor(new float[,] { { 0.5f, -1f }, { 2f, 0.25f } }), tensor(new float[] { 0.1f, -0.3f }), tensor(new float[] { -0.2f, 0.4f }), VisibleUnits.Bernoulli);

    [Fact]
    public void Free_energy_matches_the_closed_form_and_brute_force_over_hidden_states()
    {
        using var model = Tiny();
        float[] v = [1f, 0f];
        using var visible = tensor(v, [1, 2]);
        var free = model.FreeEnergy(visible).item<float>();

        // Closed form: -b.v - sum_j log(1 + exp(c_j + W_j . v)).
        var closed = -(-0.2 * 1) - Math.Log(1 + Math.Exp(0.1 + 0.5)) - Math.Log(1 + Math.Exp(-0.3 + 2));
        // Brute force: -log sum over h in {0,1}^2 of exp(-E(v, h)), E = -h W v - c h - b v.
        double partition = 0;
        for (var h1 = 0; h1 <= 1; h1++)
            for (var h2 = 0; h2 <= 1; h2++)
                partition += Math.Exp(h1 * (0.5 + 0.1) + h2 * (2 - 0.3) + (-0.2));
        free.Should().BeApproximately((float)closed, 1e-5f);
        free.Should().BeApproximately((float)-Math.Log(partition), 1e-5f);
    }

    [Fact]
    public void The_cd_gradient_matches_a_hand_computation()
    {
        using var v0 = tensor(new float[,] { { 1, 0 }, { 1, 1 } });
        using var h0 = tensor(new float[,] { { 0.8f, 0.1f }, { 0.6f, 0.5f } });
        using var vk = tensor(new float[,] { { 0, 1 }, { 1, 0 } });
        using var hk = tensor(new float[,] { { 0.3f, 0.9f }, { 0.2f, 0.4f } });
        var (dw, dc, db) = ContrastiveDivergence.Gradient(v0, h0, vk, hk);

        // <h v>_data = ([.8,.1]^T[1,0] + [.6,.5]^T[1,1]) / 2; <h v>_model = ([.3,.9]^T[0,1] + [.2,.4]^T[1,0]) / 2.
        var expected = new float[] { (0.8f + 0.6f) / 2 - 0.2f / 2, 0.6f / 2 - 0.3f / 2, (0.1f + 0.5f) / 2 - 0.4f / 2, 0.5f / 2 - 0.9f / 2 };
        dw.data<float>().ToArray().Should().BeEquivalentTo(expected, o => o.Using<float>(c => c.Subject.Should().BeApproximately(c.Expectation, 1e-6f)).WhenTypeIs<float>());
        dc.data<float>().ToArray().Should().BeEquivalentTo(new[] { 0.7f - 0.25f, 0.3f - 0.65f }, o => o.Using<float>(c => c.Subject.Should().BeApproximately(c.Expectation, 1e-6f)).WhenTypeIs<float>());
        db.data<float>().ToArray().Should().BeEquivalentTo(new[] { 1f - 0.5f, 0.5f - 0.5f }, o => o.Using<float>(c => c.Subject.Should().BeApproximately(c.Expectation, 1e-6f)).WhenTypeIs<float>());
    }

    [Fact]
    public void Momentum_is_half_for_five_epochs_then_nine_tenths()
    {
        var options = new RbmOptions { HiddenUnits = 1 };
        Enumerable.Range(1, 8).Select(options.MomentumAt).Should().Equal(0.5, 0.5, 0.5, 0.5, 0.5, 0.9, 0.9, 0.9);
    }

    [Fact]
    public void Weight_decay_subtracts_learning_rate_times_decay_times_the_weights()
    {
        // The same seed draws the same samples, so two steps that differ only in weight decay differ by exactly
        // -learningRate * decay * W (momentum 0 on the first step's fresh velocity).
        Tensor StepWith(double decay)
        {
            using var model = Tiny();
            using var rule = new ContrastiveDivergence(model, new RbmOptions { HiddenUnits = 2, WeightDecay = decay, LearningRate = 0.5 });
            using var generator = new TorchSharp.torch.Generator(5);
            using var data = tensor(new float[,] { { 1, 0 }, { 0, 1 }, { 1, 1 } });
            rule.Step(model, data, epoch: 1, generator);
            return model.Weight.clone();
        }
        using var plain = StepWith(0);
        using var decayed = StepWith(0.1);
        using var original = Tiny();
        using var expected = -0.5 * 0.1 * original.Weight;
        using var difference = decayed - plain;
        difference.allclose(expected, rtol: 1e-5, atol: 1e-6).Should().BeTrue();
    }
}
