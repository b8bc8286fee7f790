using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Support;

/// <summary>Runs a function once through autograd, for tests that compare two ways of computing the same thing.</summary>
internal static class AutogradProbe
{
    /// <summary>
    /// <paramref name="function"/> of a fresh leaf copy of <paramref name="input"/>, and the gradient that
    /// <paramref name="outputGradient"/> sends back to that leaf.
    /// </summary>
    public static (Tensor Value, Tensor Gradient) ValueAndGradient(Tensor input, Tensor outputGradient, Func<Tensor, Tensor> function)
    {
        var leaf = input.detach().clone().requires_grad_(true);
        var value = function(leaf);
        value.backward([outputGradient]);
        return (value.detach(), leaf.grad!.clone());
    }
}
