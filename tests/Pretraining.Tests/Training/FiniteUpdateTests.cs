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

        using var infinite = tensor(float.PositiveInfinity);
        using var clean = zeros(3).requires_grad_();
        FiniteUpdate.Allowed(infinite, [clean]).Should().BeFalse("the loss itself is not finite");
    }
}
