using Pretrain.Pretraining.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Layers.ConvAutoencoders;

/// <summary>
/// Small seeded one-channel images with a few bars: each image has one horizontal and one vertical bar of ones, at
/// random rows and columns, on a zero background: local structure a few small kernels can capture.
/// </summary>
internal static class BarImages
{
    /// <summary><paramref name="count"/> images [count, 1, size, size].</summary>
    public static Tensor Create(int count, int size = 8, ulong seed = 21)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(seed);
        var rows = randint(0, size, [count], generator: generator);
        var cols = randint(0, size, [count], generator: generator);
        var positions = arange(size);
        // [count, size, 1] | [count, 1, size] -> [count, size, size]
        var horizontal = positions.unsqueeze(0).eq(rows.unsqueeze(1)).unsqueeze(2);
        var vertical = positions.unsqueeze(0).eq(cols.unsqueeze(1)).unsqueeze(1);
        var images = horizontal.logical_or(vertical).to(ScalarType.Float32).unsqueeze(1);
        return images.MoveToOuterDisposeScope();
    }

    /// <summary>The images as a flat layer input [count, size*size], as a data set stores them.</summary>
    public static TensorLayerInput Flat(int count, int size = 8, ulong seed = 21)
    {
        using var images = Create(count, size, seed);
        return new TensorLayerInput(images.reshape(count, size * size).clone());
    }
}
