using static TorchSharp.torch;

namespace Pretrain.Pretraining.Data;

/// <summary>A NumPy array read from a <c>.npy</c> file: its shape, its dtype string and its little-endian bytes.</summary>
/// <param name="Shape">The array's shape.</param>
/// <param name="Dtype">NumPy's dtype descriptor: <c>&lt;f4</c>, <c>&lt;f8</c>, <c>|u1</c>, <c>&lt;i4</c> or <c>&lt;i8</c>.</param>
/// <param name="Data">The values in C order.</param>
/// <param name="Source">The file (and archive member) it came from, for error messages.</param>
public sealed record NpyArray(IReadOnlyList<long> Shape, string Dtype, byte[] Data, string Source)
{
    /// <summary>The array as a float32 tensor of <see cref="Shape"/>; NaN or infinite values are refused.</summary>
    public Tensor ToFloatTensor()
    {
        using var scope = NewDisposeScope();
        var raw = Raw().to(ScalarType.Float32);
        DataChecks.EnsureFinite(raw, Source);
        return raw.MoveToOuterDisposeScope();
    }

    /// <summary>The array as an int64 tensor; float arrays must hold whole numbers.</summary>
    public Tensor ToInt64Tensor()
    {
        using var scope = NewDisposeScope();
        var raw = Raw();
        if (raw.is_floating_point() && !raw.eq(raw.round()).all().item<bool>())
            throw new DataException(Source, "expected integer labels, received fractional values.");
        return raw.to(ScalarType.Int64).MoveToOuterDisposeScope();
    }

    private Tensor Raw()
    {
        var type = NpyReader.ScalarTypeOf(Dtype);
        var result = empty(Shape.ToArray(), type);
        Data.AsSpan().CopyTo(result.bytes);
        return result;
    }
}

/// <summary>Where the values of a .npy file are: its shape, dtype, element size, data offset and data length in bytes.</summary>
internal sealed record NpyLayout(long[] Shape, string Descr, int ElementSize, long DataStart, long DataBytes);
