using System.Diagnostics;
using System.Reflection;
using Microsoft.Extensions.Logging;
using TorchSharp;

namespace Pretrain.Pretraining.Runtime;

/// <summary>
/// Whether TorchSharp's managed methods keep their arguments alive while libtorch uses them, which the build arranges
/// (build/TorchSharpLifetimePatch.targets) and this checks at run time.
/// </summary>
/// <remarks>
/// Why: a TorchSharp method hands the native handles of its arguments to libtorch and, once optimized by the JIT, no
/// longer reports the arguments as used. A garbage collection started by another thread during the native call can then
/// finalize an argument, a <see cref="Scalar"/> made implicitly from a number above all, and free what libtorch is
/// reading (dotnet/TorchSharp pull requests 1434 and 1496, open). On this project's machines embedded recipe jobs
/// under <c>pretrain serve</c> died that way now and then ("alpha must not be a floating point number", "Could not run
/// 'aten::to.dtype_layout' with arguments from the 'TESTING_ONLY_GenericMode' backend"); a freed value can also be
/// read without any error. The build marks the output folder's TorchSharp.dll as compiled without optimizations,
/// which keeps every argument alive until its method returns (measured with DOTNET_JitDisasmSummary: its methods then
/// compile as MinOpts and are never tiered up; with DisableOptimizations alone they still reached Tier1).
/// </remarks>
public static class TorchSharpLifetimes
{
    private static int s_warned;

    /// <summary>
    /// True when the loaded TorchSharp assembly is compiled without JIT optimizations: its [Debuggable] attribute has
    /// both JIT tracking and the optimizer disabled, the pair the runtime needs (either alone leaves tiering on).
    /// </summary>
    public static bool AreKeptAlive { get; } =
        typeof(torch).Assembly.GetCustomAttribute<DebuggableAttribute>() is { IsJITTrackingEnabled: true, IsJITOptimizerDisabled: true };

    /// <summary>Warns once per process when <see cref="AreKeptAlive"/> is false, saying what to do.</summary>
    public static void WarnIfNotKeptAlive(ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        if (AreKeptAlive || Interlocked.Exchange(ref s_warned, 1) == 1)
            return;
        logger.LogWarning("The loaded TorchSharp.dll is JIT-optimized, so a garbage collection on another thread can free an argument while libtorch reads it (random native errors in long runs). " +
            "Build with Pretrain's build targets (they mark the output folder's TorchSharp.dll; -p:KeepTorchSharpArgumentsAlive=false switches that off): {Assembly}",
            typeof(torch).Assembly.Location);
    }
}
