using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Tests.Support;

/// <summary>Exact tensor comparisons for tests (TorchSharp's <c>equal</c> returns a tensor, not a bool).</summary>
internal static class TensorComparison
{
    /// <summary>Same shape, dtype and every element bit-for-bit equal.</summary>
    public static bool Identical(this Tensor a, Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape) || a.dtype != b.dtype)
            return false;
        using var scope = NewDisposeScope();
        return a.cpu().eq(b.cpu()).all().item<bool>();
    }
}
