using Pretrain.Pretraining.Layers.Autoencoders;
using Pretrain.Pretraining.Tests.Support;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Layers.Autoencoders;

public sealed class AutoencoderLossTests
{
    [Fact]
    public void The_kl_sparsity_penalty_matches_a_hand_computation()
    {
        using var hidden = tensor(new double[,] { { 0.1, 0.5 }, { 0.3, 0.5 } });
        // Mean activations 0.2 and 0.5; rho = 0.1.
        var expected = 0.1 * Math.Log(0.1 / 0.2) + 0.9 * Math.Log(0.9 / 0.8) + 0.1 * Math.Log(0.1 / 0.5) + 0.9 * Math.Log(0.9 / 0.5);
        AutoencoderPenalties.SparsityKl(hidden, 0.1).item<double>().Should().BeApproximately(expected, 1e-12);
    }

    [Fact]
    public void The_contractive_closed_form_equals_the_jacobian_norm_from_autograd()
    {
        using var generator = new Generator(4);
        using var w = randn([3, 4], generator: generator, dtype: ScalarType.Float64);
        using var b = randn([3], generator: generator, dtype: ScalarType.Float64);
        using var x = randn([2, 4], generator: generator, dtype: ScalarType.Float64);
        double jacobianNorm = 0;
        for (var n = 0; n < 2; n++)
        {
            for (var j = 0; j < 3; j++)
            {
                using var xi = x[n].clone().requires_grad_(true);
                using var h = nn.functional.linear(xi, w, b).sigmoid();
                h[j].backward();
                jacobianNorm += xi.grad!.square().sum().item<double>();
            }
        }
        using var hidden = nn.functional.linear(x, w, b).sigmoid();
        AutoencoderPenalties.ContractiveSigmoid(hidden, w).item<double>().Should().BeApproximately(jacobianNorm / 2, 1e-10);
    }

    [Fact]
    public void Every_loss_term_has_the_gradient_finite_differences_give()
    {
        using var generator = new Generator(8);
        using var w = randn([3, 5], generator: generator, dtype: ScalarType.Float64) * 0.5;
        using var b = randn([3], generator: generator, dtype: ScalarType.Float64) * 0.1;
        using var c = randn([5], generator: generator, dtype: ScalarType.Float64) * 0.1;
        using var x = rand([4, 5], generator: generator, dtype: ScalarType.Float64);
        using var corrupted = Corruption.Masking(x, 0.3, generator);

        Tensor Denoising(Tensor[] p)
        {
            var h = nn.functional.linear(corrupted, p[0], p[1]).sigmoid();
            var logits = nn.functional.linear(h, p[0].t(), p[2]);
            return AutoencoderPenalties.Reconstruction(ReconstructionLoss.BinaryCrossEntropy, logits, x)
                + 0.3 * AutoencoderPenalties.SparsityKl(h, 0.1)
                + 0.2 * AutoencoderPenalties.ContractiveSigmoid(h, p[0]);
        }
        GradientCheck.MaxRelativeError(Denoising, [w, b, c]).Should().BeLessThan(1e-5);

        Tensor Squared(Tensor[] p) => AutoencoderPenalties.Reconstruction(ReconstructionLoss.MeanSquaredError, nn.functional.linear(nn.functional.linear(x, p[0], p[1]).tanh(), p[0].t(), p[2]), x);
        GradientCheck.MaxRelativeError(Squared, [w, b, c]).Should().BeLessThan(1e-5);
    }
}
