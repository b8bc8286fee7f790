namespace Pretrain.Pretraining.Layers;

/// <summary>
/// Helpers for the shape of one example as layers see it: <c>[D]</c> for dense layers, <c>[C, H, W]</c> for
/// convolutional ones (<c>[H, W]</c> images count as one channel).
/// </summary>
public static class SampleShapes
{
    /// <summary>Number of values in one example of <paramref name="shape"/> (1 for the empty shape).</summary>
    public static long Size(IReadOnlyList<long> shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return shape.Aggregate(1L, (a, b) => a * b);
    }

    /// <summary>The shape as people write image sizes, e.g. <c>16x3x3</c>.</summary>
    public static string Format(IReadOnlyList<long> shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return string.Join("x", shape);
    }

    /// <summary>True when both shapes have the same dimensions.</summary>
    public static bool Same(IReadOnlyList<long> a, IReadOnlyList<long> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return a.SequenceEqual(b);
    }

    /// <summary>
    /// <paramref name="shape"/> as an image <c>[C, H, W]</c>: a 2-D shape <c>[H, W]</c> gains one channel; null when
    /// the shape is not an image (e.g. the flat <c>[D]</c> output of a dense layer).
    /// </summary>
    public static long[]? AsImage(IReadOnlyList<long> shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return shape.Count switch
        {
            2 => [1, shape[0], shape[1]],
            3 => [shape[0], shape[1], shape[2]],
            _ => null,
        };
    }

    /// <summary>
    /// <paramref name="inputShape"/> as the non-empty image <c>[C, H, W]</c> a convolutional layer needs; otherwise a
    /// <see cref="PretrainException"/> saying why (flat features, or an empty image).
    /// </summary>
    public static long[] RequireImage(IReadOnlyList<long> inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        var image = AsImage(inputShape)
            ?? throw new PretrainException($"a convolutional layer needs images [C, H, W] or [H, W], received [{string.Join(", ", inputShape)}] (flat features have no rows and columns: put convolutional layers below dense ones).");
        if (image.Any(size => size <= 0))
            throw new PretrainException($"a convolutional layer needs a non-empty image, received {Format(image)}.");
        return image;
    }
}
