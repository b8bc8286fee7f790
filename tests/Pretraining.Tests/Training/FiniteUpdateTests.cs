using Pretrain.Pretraining.Training;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Training;

public sealed class FiniteUpdateTests
{
    [Fact]
    public void A_step_is_allowed_only_when_the_loss_and_every_gradient_are_finite()
    {
        using var w = ones(3).requires_grad_();
        using var loss = (w * w).sum();
        loss.backward();
        FiniteUpdate.Allowed(loss, [w]).Should().BeTrue();

        w.grad!.index_put_(tensor(float.NaN), 1);
        FiniteUpdate.Allowed(loss, [w]).Should().BeFalse("one NaN gradient entry would poison the weights");

        using var large = full(3, 3e38f).requires_grad_();
        large.grad = full(3, 3e38f);
        FiniteUpdate.Allowed(loss, [large]).Should().BeTrue("finite gradients whose float32 sum would overflow are still finite");
        using var opposite = ones(2).requires_grad_();
        opposite.grad = tensor(new[] { float.PositiveInfinity, float.NegativeInfinity });
        FiniteUpdate.Allowed(loss, [opposite]).Should().BeFalse("infinities of both signs are not finite either");

        using var infinite = tensor(float.PositiveInfinity);
        using var clean = zeros(3).requires_grad_();
        FiniteUpdate.Allowed(infinite, [clean]).Should().BeFalse("the loss itself is not finite");
    }
}
