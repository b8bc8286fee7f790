using static TorchSharp.torch;

namespace Pretrain.Pretraining.Layers.Convolutions;

/// <summary>
/// <c>conv2d</c> without bias as an autograd function whose backward pass uses only the forward <c>conv2d</c> kernel
/// (see <see cref="RepeatableConvolution"/> for why). Apply it as <c>apply(input, weight, stride, padding)</c>.
/// </summary>
internal sealed class ConvolutionFunction : autograd.SingleTensorFunction<ConvolutionFunction>
{
    private const string StrideKey = "stride";
    private const string PaddingKey = "padding";

    /// <inheritdoc />
    public override string Name => "RepeatableConvolution";

    /// <inheritdoc />
    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var (input, weight, stride, padding) = ((Tensor)vars[0], (Tensor)vars[1], (long)vars[2], (long)vars[3]);
        ctx.save_for_backward([input, weight]);
        ctx.save_data(StrideKey, stride);
        ctx.save_data(PaddingKey, padding);
        return nn.functional.conv2d(input, weight, null, strides: [stride], padding: [padding]);
    }

    /// <inheritdoc />
    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
    {
        var saved = ctx.get_saved_variables();
        var (input, weight) = (saved[0], saved[1]);
        var (stride, padding) = ((long)ctx.get_data(StrideKey), (long)ctx.get_data(PaddingKey));
        var inputGradient = input.requires_grad ? InputGradient(grad_output, input, weight, stride, padding) : null;
        var weightGradient = weight.requires_grad
            ? RepeatableConvolution.KernelCorrelation(input, grad_output, weight.shape[2], stride, padding)
            : null;
        return [inputGradient!, weightGradient!, null!, null!];  // one per apply argument; stride and padding have none
    }

    /// <summary>The transposed convolution of the output gradient, as a forward convolution with flipped kernels.</summary>
    private static Tensor InputGradient(Tensor outputGradient, Tensor input, Tensor weight, long stride, long padding)
    {
        var spread = RepeatableConvolution.SpreadForTransposedConvolution(
            outputGradient, stride, weight.shape[2], padding, input.shape[2], input.shape[3]);
        return nn.functional.conv2d(spread, RepeatableConvolution.FlippedTransposedKernels(weight));
    }
}
