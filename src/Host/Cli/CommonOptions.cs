using System.CommandLine;

namespace Pretrain.Host.Cli;

/// <summary>Options shared by the commands that read a recipe.</summary>
internal static class CommonOptions
{
    public static Argument<string> Recipe() => new("recipe") { Description = "Path of the recipe JSON file." };

    public static Option<string[]> Set() => new("--set")
    {
        Description = "Override a recipe field before validation, e.g. --set training.epochs=5 (repeatable; the value is JSON or a plain string).",
        AllowMultipleArgumentsPerToken = false,
        Arity = ArgumentArity.ZeroOrMore,
    };

    public static Option<string?> Device() => new("--device")
    {
        Description = "auto | cpu | cuda | cuda:N; overrides the recipe's device (default: the recipe's, which defaults to auto).",
    };

    public static Option<int?> Seed() => new("--seed") { Description = "Overrides the recipe's seed; the same seed repeats a CPU run exactly." };

    /// <summary>The recipe overrides implied by <c>--set</c>, <c>--device</c> and <c>--seed</c>, in that order.</summary>
    public static IEnumerable<string> Overrides(string[]? set, string? device, int? seed)
    {
        foreach (var assignment in set ?? [])
            yield return assignment;
        if (device is not null)
            yield return $"device={device}";
        if (seed is int s)
            yield return $"seed={s.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
    }
}
