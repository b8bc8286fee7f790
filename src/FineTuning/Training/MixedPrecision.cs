using Pretrain.Pretraining.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Training;

/// <summary>
/// bfloat16 mixed precision for networks made of layers in sequence (TorchSharp has no autocast): each linear layer's
/// matrix product runs in bfloat16 on bfloat16 copies of its input and float32 weights, the result and everything else
/// (bias, activations, normalization, loss, gradients of the float32 master weights) stay in float32.
/// </summary>
public static class MixedPrecision
{
    /// <summary>The forward pass of <paramref name="model"/> on <paramref name="input"/> at <paramref name="precision"/>.</summary>
    public static Tensor Forward(nn.Module<Tensor, Tensor> model, Tensor input, Precision precision)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (precision == Precision.Float32 || model is not (Sequential or Caching.ModuleSlice))
            return model.forward(input);
        using var scope = NewDisposeScope();
        var x = input.alias();
        foreach (var (_, child) in model.named_children())
        {
            x = child is Linear linear
                ? nn.functional.linear(x.to(ScalarType.BFloat16), linear.weight!.to(ScalarType.BFloat16)).to(ScalarType.Float32) + linear.bias!
                : ((nn.Module<Tensor, Tensor>)child).forward(x);
        }
        return x.MoveToOuterDisposeScope();
    }
}
