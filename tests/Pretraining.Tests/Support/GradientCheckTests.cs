using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Support;

public sealed class GradientCheckTests
{
    [Fact]
    public void A_correct_gradient_passes()
    {
        using var x = rand(3, 2, dtype: ScalarType.Float64);
        GradientCheck.MaxRelativeError(a => (a[0].sin() * a[0]).sum(), [x]).Should().BeLessThan(1e-6);
    }

    [Fact]
    public void A_wrong_gradient_is_caught()
    {
        using var x = rand(3, 2, dtype: ScalarType.Float64) + 0.5;
        // detach() hides half of the function from autograd, so the analytic gradient is wrong.
        GradientCheck.MaxRelativeError(a => (a[0] * a[0].detach()).sum(), [x]).Should().BeGreaterThan(0.1);
    }
}
