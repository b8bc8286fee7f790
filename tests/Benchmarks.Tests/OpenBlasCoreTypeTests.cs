using System.Diagnostics;

namespace Pretrain.Benchmarks.Tests;

/// <summary>
/// benchmarks/openblas-coretype.sh, which compare.sh asks which OpenBLAS kernels the baseline should run with when
/// OpenBLAS mistook the CPU for an old one (session 22's ratios of about 3x measured that mistake).
/// </summary>
public sealed class OpenBlasCoreTypeTests
{
    private const string XeonFlags = "fpu sse sse2 ssse3 sse4_1 sse4_2 avx avx2 fma avx512f avx512dq avx512bw avx512vl avx512_bf16";

    [Theory]
    [InlineData("Prescott", XeonFlags, "GenuineIntel", "SkylakeX")]
    [InlineData("Prescott", "sse sse2 avx avx2 fma", "GenuineIntel", "Haswell")]
    [InlineData("Barcelona", "sse sse2 avx avx2 fma", "AuthenticAMD", "Zen")]
    [InlineData("Sandybridge", "sse sse2 avx avx2 fma avx512f avx512bw avx512vl", "GenuineIntel", "SkylakeX")]
    [InlineData("SkylakeX", XeonFlags, "GenuineIntel", "")]
    [InlineData("Haswell", XeonFlags, "GenuineIntel", "")]
    [InlineData("Prescott", "sse sse2 sse3", "GenuineIntel", "")]
    [InlineData("Prescott", "sse sse2 avx2", "GenuineIntel", "")]
    [InlineData("", XeonFlags, "GenuineIntel", "")]
    public void Only_a_core_older_than_the_cpus_instruction_set_is_replaced(string detected, string flags, string vendor, string expected) =>
        Run(detected, flags, vendor).Should().Be(expected);

    private static string Run(string detected, string flags, string vendor)
    {
        var script = Path.Combine(RepositoryRoot(), "benchmarks", "openblas-coretype.sh");
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { script, detected, flags, vendor })
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.Should().Be(0, error);
        return output.Trim();
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Pretrain.sln")))
            directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("Pretrain.sln not found above " + AppContext.BaseDirectory);
    }
}
