using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Support;

/// <summary>
/// Checks autograd gradients of a scalar function against central finite differences, in float64 (TorchSharp has no
/// gradcheck). Returns the largest relative error over all checked entries.
/// </summary>
internal static class GradientCheck
{
    public static double MaxRelativeError(Func<Tensor[], Tensor> function, Tensor[] inputs, double step = 1e-6)
    {
        using var scope = NewDisposeScope();
        var leaves = inputs.Select(i => i.to(ScalarType.Float64).detach().requires_grad_(true)).ToArray();
        function(leaves).backward();
        var worst = 0.0;
        for (var k = 0; k < leaves.Length; k++)
        {
            var analytic = leaves[k].grad!.flatten().data<double>().ToArray();
            var values = leaves[k].detach().clone().flatten();
            for (var i = 0; i < analytic.Length; i++)
            {
                double Evaluate(double delta)
                {
                    using var inner = NewDisposeScope();
                    using var _ = no_grad();
                    var shifted = values.clone();
                    shifted[i] = shifted[i] + delta;
                    var args = leaves.Select((l, j) => j == k ? shifted.reshape(l.shape) : l.detach()).ToArray();
                    return function(args).item<double>();
                }
                var numeric = (Evaluate(step) - Evaluate(-step)) / (2 * step);
                var error = Math.Abs(numeric - analytic[i]) / Math.Max(1e-8, Math.Abs(numeric) + Math.Abs(analytic[i]));
                worst = Math.Max(worst, error);
            }
        }
        return worst;
    }
}
