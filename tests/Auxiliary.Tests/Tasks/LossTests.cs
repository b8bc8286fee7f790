using Pretrain.Auxiliary.Tasks;
using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Tests.Tasks;

public sealed class LossTests
{
    [Fact]
    public void Ranking_loss_and_its_gradient_match_a_hand_computation()
    {
        // Pairs (good, corrupted): (2.0, 0.5) wins by 1.5 > margin 1: no loss, no gradient;
        // (0.2, 0.0): 1 - 0.2 + 0 = 0.8; (-1.0, 0.5): 1 + 1 + 0.5 = 2.5. Mean over 3 pairs = 3.3 / 3 = 1.1.
        using var good = tensor(new[] { 2.0, 0.2, -1.0 }, requires_grad: true);
        using var bad = tensor(new[] { 0.5, 0.0, 0.5 }, requires_grad: true);
        using var loss = MarginRankingLoss.Compute(good, bad, margin: 1);
        loss.item<double>().Should().BeApproximately(1.1, 1e-12);
        loss.backward();
        // d/d good = -1/3 for the pairs inside the margin, 0 otherwise; d/d bad = +1/3 likewise.
        good.grad!.data<double>().ToArray().Should().Equal([0, -1.0 / 3, -1.0 / 3], (a, b) => Math.Abs(a - b) < 1e-12);
        bad.grad!.data<double>().ToArray().Should().Equal([0, 1.0 / 3, 1.0 / 3], (a, b) => Math.Abs(a - b) < 1e-12);
    }

    [Fact]
    public void Ranking_loss_gradient_matches_finite_differences()
    {
        using var g = new Generator(3);
        using var good = randn([16], dtype: ScalarType.Float64, generator: g).requires_grad_();
        using var bad = randn([16], dtype: ScalarType.Float64, generator: g);
        using var loss = MarginRankingLoss.Compute(good, bad, 0.7);
        loss.backward();
        var analytic = good.grad!.data<double>().ToArray();
        const double h = 1e-6;
        for (var i = 0; i < 16; i++)
        {
            using var _ = no_grad();
            using var plus = good.clone();
            plus[i] += h;
            using var minus = good.clone();
            minus[i] -= h;
            using var lp = MarginRankingLoss.Compute(plus, bad, 0.7);
            using var lm = MarginRankingLoss.Compute(minus, bad, 0.7);
            var numeric = (lp.item<double>() - lm.item<double>()) / (2 * h);
            analytic[i].Should().BeApproximately(numeric, 1e-6);
        }
    }

    [Fact]
    public void Contrastive_loss_matches_a_hand_computation()
    {
        // same pair at distance 0.5 pays 0.25; different pair at 0.5 with margin 2 pays (1.5)^2 = 2.25;
        // different pair at 3 pays nothing. Mean 2.5 / 3, halved.
        using var distance = tensor(new[] { 0.5, 0.5, 3.0 });
        using var same = tensor(new[] { 1.0, 0.0, 0.0 });
        using var loss = ContrastiveLoss.Compute(distance, same, margin: 2);
        loss.item<double>().Should().BeApproximately(2.5 / 3 / 2, 1e-12);
    }

    [Fact]
    public void Ranking_loss_rejects_mismatched_scores_and_bad_margins()
    {
        using var a = zeros([3]);
        using var b = zeros([4]);
        FluentActions.Invoking(() => MarginRankingLoss.Compute(a, b, 1)).Should().Throw<ArgumentException>().WithMessage("*[3]*[4]*");
        FluentActions.Invoking(() => MarginRankingLoss.Compute(a, a, 0)).Should().Throw<ArgumentException>().WithMessage("*margin*");
    }
}
