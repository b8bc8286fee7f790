namespace Pretrain.Pretraining.IO;

/// <summary>
/// Overflow-safe sizes of shapes read from untrusted files. libtorch computes strides from every trailing product of
/// the sizes, so a shape is refused when the product of its non-zero sizes (times the element size) overflows 64 bits,
/// even if a zero size makes the tensor empty.
/// </summary>
internal static class ShapeSize
{
    /// <summary>The bytes of a C-order array of <paramref name="shape"/>; false for a negative size or an overflow.</summary>
    public static bool TryByteCount(IEnumerable<long> shape, long elementSize, out long bytes)
    {
        long product = elementSize;
        var empty = false;
        foreach (var size in shape)
        {
            if (size < 0)
            {
                bytes = -1;
                return false;
            }
            if (size == 0)
            {
                empty = true;
                continue;
            }
            if (product > long.MaxValue / size)
            {
                bytes = -1;
                return false;
            }
            product *= size;
        }
        bytes = empty ? 0 : product;
        return true;
    }
}
