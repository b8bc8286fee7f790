using System.Globalization;
using System.Text.RegularExpressions;

namespace Pretrain.Pretraining.Runtime;

/// <summary>
/// How much host memory a run may use for its data: the examples it holds, the frozen-output caches and the windows
/// read from shards (not the runtime, libtorch or the network's weights, which are a fixed overhead on top). Written
/// like <c>2GB</c>, <c>512MB</c> or <c>1.5GiB</c>: KB, MB, GB and TB are powers of 1000, KiB, MiB, GiB and TiB powers
/// of 1024, and a plain number counts bytes.
/// </summary>
public readonly partial record struct MemoryBudget
{
    /// <summary>A budget of <paramref name="bytes"/> bytes (positive).</summary>
    public MemoryBudget(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bytes);
        Bytes = bytes;
    }

    /// <summary>The budget in bytes.</summary>
    public long Bytes { get; }

    /// <summary>What a budget looks like, for error messages.</summary>
    public const string Expected = "a size such as 2GB, 512MB or 1.5GiB";

    /// <summary>Reads <paramref name="text"/>; false when it is not a positive size.</summary>
    public static bool TryParse(string? text, out MemoryBudget budget)
    {
        budget = default;
        var match = SizePattern().Match(text ?? "");
        if (!match.Success || !double.TryParse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            return false;
        var unit = match.Groups[2].Value.ToUpperInvariant();
        double factor = unit switch
        {
            "" or "B" => 1,
            "KB" => 1e3, "MB" => 1e6, "GB" => 1e9, "TB" => 1e12,
            "KIB" => 1L << 10, "MIB" => 1L << 20, "GIB" => 1L << 30, "TIB" => 1L << 40,
            _ => 0,
        };
        var bytes = number * factor;
        if (factor == 0 || bytes < 1 || bytes >= long.MaxValue)
            return false;
        budget = new MemoryBudget((long)bytes);
        return true;
    }

    /// <summary>Reads <paramref name="text"/>, or throws <see cref="PretrainException"/> saying what was expected.</summary>
    public static MemoryBudget Parse(string text) =>
        TryParse(text, out var budget) ? budget : throw new PretrainException($"memory budget: expected {Expected}, received '{text}'.");

    /// <summary><paramref name="bytes"/> in the largest decimal unit that keeps one digit before the point, e.g. <c>1.88 GB</c>.</summary>
    public static string Format(long bytes) => bytes switch
    {
        >= 1_000_000_000 => FormattableString.Invariant($"{bytes / 1e9:F2} GB"),
        >= 1_000_000 => FormattableString.Invariant($"{bytes / 1e6:F1} MB"),
        >= 1_000 => FormattableString.Invariant($"{bytes / 1e3:F1} kB"),
        _ => $"{bytes} bytes",
    };

    /// <inheritdoc />
    public override string ToString() => Format(Bytes);

    [GeneratedRegex(@"^\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]*)\s*$")]
    private static partial Regex SizePattern();
}
