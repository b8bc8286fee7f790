using Pretrain.FineTuning.Networks;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Export;

/// <summary>
/// The ONNX nodes of a convolutional network's image part (<see cref="MlpBuilder"/>'s <c>image</c>,
/// <c>hiddenI</c>, <c>poolI</c>, <c>flatten</c>): Reshape, Conv, MaxPool and Flatten, in ONNX's NCHW layout, which is
/// PyTorch's. Batch normalization and activations on images are <see cref="OnnxLayers"/>'s, which work on any rank.
/// </summary>
internal static class OnnxConvLayers
{
    /// <summary>
    /// Appends <paramref name="layer"/> when it is one of the image layers; returns its output and the shape of one
    /// output example, or null for a layer of another kind.
    /// </summary>
    public static (string Output, long[] Shape)? Append(OnnxGraph graph, string name, nn.Module layer, string x, long[] shape) => layer switch
    {
        ImageView view => Image(graph, name, view, x, shape),
        Convolution2d conv => Convolution(graph, name, conv, x, shape),
        MaxPool2d pool => MaxPool(graph, name, pool, x, shape),
        WindowMaxPool2d pool => WindowMaxPool(graph, name, pool, x, shape),
        Flatten flatten => Flat(graph, name, flatten, x, shape),
        _ => null,
    };

    /// <summary>Flat rows [B, C·H·W] to images [B, C, H, W]; Reshape's 0 keeps the batch size whatever it is.</summary>
    private static (string, long[]) Image(OnnxGraph graph, string name, ImageView view, string x, long[] shape)
    {
        var image = view.Shape.ToArray();
        if (shape.Length != 1 || shape[0] != image.Aggregate(1L, (a, b) => a * b))
            throw OnnxLayers.Refuse(name, view, $"it views {image.Aggregate(1L, (a, b) => a * b)} features as images [{string.Join(", ", image)}] but the layer below gives {OnnxLayers.Describe(shape)}");
        return (graph.Node("Reshape", name, [x, graph.Int64Constant($"{name}.shape", [0, .. image])]), image);
    }

    /// <summary>Conv with PyTorch's [C', C, k, k] kernels, square stride and the same zero padding on every side.</summary>
    private static (string, long[]) Convolution(OnnxGraph graph, string name, Convolution2d conv, string x, long[] shape)
    {
        var inputs = conv.Weight.shape[1];
        if (shape.Length != 3 || shape[0] != inputs)
            throw OnnxLayers.Refuse(name, conv, $"it takes images of {inputs} channels but the layer below gives {OnnxLayers.Describe(shape)}");
        var (k, s, p) = ((long)conv.Kernel, (long)conv.Stride, (long)conv.Padding);
        var (height, width) = (Slide(shape[1], k, s, p, 1), Slide(shape[2], k, s, p, 1));
        if (height < 1 || width < 1)
            throw OnnxLayers.Refuse(name, conv, $"kernel {k} with padding {p} does not fit the {shape[1]}x{shape[2]} images below");
        var output = graph.Node("Conv", name,
            [x, graph.Constant($"{name}.weight", conv.Weight), graph.Constant($"{name}.bias", conv.Bias)],
            OnnxGraph.Ints("kernel_shape", k, k), OnnxGraph.Ints("strides", s, s), OnnxGraph.Ints("pads", p, p, p, p));
        return (output, [conv.Weight.shape[0], height, width]);
    }

    /// <summary>MaxPool with the module's window, stride (the window when unset), padding and dilation.</summary>
    private static (string, long[]) MaxPool(OnnxGraph graph, string name, MaxPool2d pool, string x, long[] shape)
    {
        if (shape.Length != 3)
            throw OnnxLayers.Refuse(name, pool, $"it pools images but the layer below gives {OnnxLayers.Describe(shape)}");
        // PyTorch and ONNX round ceil-mode output sizes differently at the edges; Pretrain's networks never use it.
        if (pool.ceil_mode)
            throw OnnxLayers.Refuse(name, pool, "ceil_mode pooling is not supported; use floor rounding (the default)");
        var kernel = Pair(pool.kernel_size, 1);
        var stride = pool.stride is { Length: > 0 } given ? Pair(given, 1) : kernel;
        var padding = Pair(pool.padding, 0);
        var dilation = Pair(pool.dilation, 1);
        var (height, width) = (Slide(shape[1], kernel[0], stride[0], padding[0], dilation[0]),
                               Slide(shape[2], kernel[1], stride[1], padding[1], dilation[1]));
        if (height < 1 || width < 1)
            throw OnnxLayers.Refuse(name, pool, $"window {kernel[0]}x{kernel[1]} does not fit the {shape[1]}x{shape[2]} feature maps below");
        var output = graph.Node("MaxPool", name, [x],
            OnnxGraph.Ints("kernel_shape", kernel), OnnxGraph.Ints("strides", stride),
            OnnxGraph.Ints("pads", padding[0], padding[1], padding[0], padding[1]), OnnxGraph.Ints("dilations", dilation));
        return (output, [shape[0], height, width]);
    }

    /// <summary>MaxPool whose window is its stride, without padding: what <see cref="WindowMaxPool2d"/> computes.</summary>
    private static (string, long[]) WindowMaxPool(OnnxGraph graph, string name, WindowMaxPool2d pool, string x, long[] shape)
    {
        if (shape.Length != 3)
            throw OnnxLayers.Refuse(name, pool, $"it pools images but the layer below gives {OnnxLayers.Describe(shape)}");
        long p = pool.PoolSize;
        var (height, width) = (Slide(shape[1], p, p, 0, 1), Slide(shape[2], p, p, 0, 1));
        if (height < 1 || width < 1)
            throw OnnxLayers.Refuse(name, pool, $"window {p}x{p} does not fit the {shape[1]}x{shape[2]} feature maps below");
        var output = graph.Node("MaxPool", name, [x], OnnxGraph.Ints("kernel_shape", p, p), OnnxGraph.Ints("strides", p, p));
        return (output, [shape[0], height, width]);
    }

    /// <summary>Flatten from axis 1 on: PyTorch's default (start_dim 1, end_dim -1) and ONNX's axis 1 are the same thing.</summary>
    private static (string, long[]) Flat(OnnxGraph graph, string name, Flatten flatten, string x, long[] shape)
    {
        if (flatten.start_dim != 1 || (flatten.end_dim != -1 && flatten.end_dim != shape.Length))
            throw OnnxLayers.Refuse(name, flatten, $"only flattening every axis after the batch is supported (start 1, end -1); this one has start {flatten.start_dim}, end {flatten.end_dim}");
        return (graph.Node("Flatten", name, [x], OnnxGraph.Int("axis", 1)), [shape.Aggregate(1L, (a, b) => a * b)]);
    }

    /// <summary>Output height or width of a sliding window, PyTorch's formula (floor rounding); 0 when it does not fit.</summary>
    private static long Slide(long size, long kernel, long stride, long padding, long dilation)
    {
        var span = size + 2 * padding - dilation * (kernel - 1) - 1;
        return span < 0 ? 0 : span / stride + 1;
    }

    /// <summary>A 2-element [h, w] from a TorchSharp size (one value means both), or <paramref name="fallback"/> twice when unset.</summary>
    private static long[] Pair(long[]? values, long fallback) => values switch
    {
        null or { Length: 0 } => [fallback, fallback],
        { Length: 1 } => [values[0], values[0]],
        _ => [values[0], values[1]],
    };
}
