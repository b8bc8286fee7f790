using static TorchSharp.torch;

namespace Pretrain.Pretraining.Layers.Convolutions;

/// <summary>
/// <c>conv2d</c> without bias as an autograd function whose backward pass uses only the forward <c>conv2d</c> kernel
/// (see <see cref="RepeatableConvolution"/> for why). Apply it as <c>apply(input, weight, geometry)</c>.
/// </summary>
internal sealed class ConvolutionFunction : autograd.SingleTensorFunction<ConvolutionFunction>
{
    private const string GeometryKey = "geometry";

    /// <inheritdoc />
    public override string Name => "RepeatableConvolution";

    /// <inheritdoc />
    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var (input, weight, geometry) = ((Tensor)vars[0], (Tensor)vars[1], (ConvolutionGeometry)vars[2]);
        ctx.save_for_backward([input, weight]);
        ctx.save_data(GeometryKey, geometry);
        return nn.functional.conv2d(input, weight, null, strides: [geometry.Stride], padding: [geometry.Padding]);
    }

    /// <inheritdoc />
    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
    {
        var saved = ctx.get_saved_variables();
        var (input, weight) = (saved[0], saved[1]);
        var geometry = (ConvolutionGeometry)ctx.get_data(GeometryKey);
        var inputGradient = input.requires_grad ? InputGradient(grad_output, input, weight, geometry) : null;
        var weightGradient = weight.requires_grad
            ? RepeatableConvolution.KernelCorrelation(input, grad_output, weight.shape[2], geometry.Stride, geometry.Padding)
            : null;
        return [inputGradient!, weightGradient!, null!];
    }

    /// <summary>The transposed convolution of the output gradient, as a forward convolution with flipped kernels.</summary>
    private static Tensor InputGradient(Tensor outputGradient, Tensor input, Tensor weight, ConvolutionGeometry geometry)
    {
        var spread = RepeatableConvolution.SpreadForTransposedConvolution(
            outputGradient, geometry.Stride, weight.shape[2], geometry.Padding, input.shape[2], input.shape[3]);
        return nn.functional.conv2d(spread, RepeatableConvolution.FlippedTransposedKernels(weight));
    }
}
