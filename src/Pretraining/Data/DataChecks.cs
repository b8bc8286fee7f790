using static TorchSharp.torch;

namespace Pretrain.Pretraining.Data;

/// <summary>Checks on loaded values, with messages that name the source.</summary>
public static class DataChecks
{
    /// <summary>Throws <see cref="DataException"/> when <paramref name="values"/> holds NaN or infinite values.</summary>
    public static void EnsureFinite(Tensor values, string source)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (!values.is_floating_point() || values.numel() == 0)
            return;
        using var scope = NewDisposeScope();
        // A finite sum proves every value finite, in one pass without a mask of every value; only when it is not (a
        // NaN, an infinity, or finite values whose sum overflows) are the values tested one by one.
        if (double.IsFinite(values.sum().to(ScalarType.Float64).item<double>()))
            return;
        var bad = values.isfinite().logical_not();
        var count = bad.sum().item<long>();
        if (count == 0)
            return;
        var first = bad.flatten().nonzero()[0, 0].item<long>();
        throw new DataException(source, $"{count} NaN or infinite value(s); the first at flat index {first}.");
    }
}
