using static TorchSharp.torch;

namespace Pretrain.Pretraining.Layers.Convolutions;

/// <summary>
/// Passes a convolution's output through unchanged and gives its input the gradient of that convolution, computed as
/// a forward convolution with flipped kernels (see <see cref="RepeatableConvolution"/> for why libtorch's own input
/// gradient is not used). Apply it as <c>apply(output, input, weight, stride, padding)</c> where <c>output</c> is
/// libtorch's <c>conv2d</c> of the <em>detached</em> input: autograd then runs libtorch's own weight and bias
/// gradients through <c>output</c>, which are sound, and only the input gradient is written out here.
/// </summary>
internal sealed class InputGradientFunction : autograd.SingleTensorFunction<InputGradientFunction>
{
    private const string StrideKey = "stride";
    private const string PaddingKey = "padding";
    private const string HeightKey = "height";
    private const string WidthKey = "width";

    /// <inheritdoc />
    public override string Name => "RepeatableConvolutionInputGradient";

    /// <inheritdoc />
    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var (output, input, weight) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2]);
        ctx.save_for_backward([weight]);
        ctx.save_data(StrideKey, (long)vars[3]);
        ctx.save_data(PaddingKey, (long)vars[4]);
        ctx.save_data(HeightKey, input.shape[2]);
        ctx.save_data(WidthKey, input.shape[3]);
        return output;
    }

    /// <inheritdoc />
    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
    {
        var weight = ctx.get_saved_variables()[0];
        var (stride, padding) = ((long)ctx.get_data(StrideKey), (long)ctx.get_data(PaddingKey));
        var (height, width) = ((long)ctx.get_data(HeightKey), (long)ctx.get_data(WidthKey));
        var spread = RepeatableConvolution.SpreadForTransposedConvolution(grad_output, stride, weight.shape[2], padding, height, width);
        var inputGradient = nn.functional.conv2d(spread, RepeatableConvolution.FlippedTransposedKernels(weight));
        return [grad_output, inputGradient, null!, null!, null!];  // one per apply argument; the weight's comes through the output
    }
}
