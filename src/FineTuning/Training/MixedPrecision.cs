using Pretrain.FineTuning.Networks;
using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Layers.Convolutions;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Training;

/// <summary>
/// bfloat16 mixed precision for networks made of layers in sequence (TorchSharp has no autocast). Master weights,
/// their gradients and the optimizer stay float32. Each linear layer and convolution (<see cref="Convolution2d"/>)
/// runs in bfloat16 on bfloat16 copies of its weight and bias, and its bfloat16 output goes on through the elementwise
/// activations after it (sigmoid, tanh, ReLU) without a conversion; the activations go back to float32 before any other
/// kind of layer (normalization, pooling, dropout, ...) and at the end, so the loss is computed in float32.
/// </summary>
/// <remarks>
/// Why end to end: converting around every product (input to bfloat16, product back to float32, bias added in
/// float32) costs four extra tensors and passes a layer forward and as many backward, which on a 784-500-500-10 network
/// took more time than the bfloat16 products saved. The bias in bfloat16 adds a rounding of at most 0.4% of its value
/// to an output that the bfloat16 product rounds to the same relative precision anyway.
/// </remarks>
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
            if (child is Linear linear)
                x = nn.functional.linear(x.to(ScalarType.BFloat16), linear.weight!.to(ScalarType.BFloat16), linear.bias?.to(ScalarType.BFloat16));
            else if (child is Convolution2d convolution)
                x = RepeatableConvolution.Conv2d(x.to(ScalarType.BFloat16), convolution.Weight.to(ScalarType.BFloat16),
                    convolution.Bias.to(ScalarType.BFloat16), convolution.Stride, convolution.Padding);
            else if (child is Sigmoid or Tanh or ReLU)
                x = ((nn.Module<Tensor, Tensor>)child).forward(x);
            else
                x = ((nn.Module<Tensor, Tensor>)child).forward(x.to(ScalarType.Float32));
        }
        return x.to(ScalarType.Float32).MoveToOuterDisposeScope();
    }
}
