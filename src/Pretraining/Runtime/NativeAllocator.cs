using System.Runtime.InteropServices;

namespace Pretrain.Pretraining.Runtime;

/// <summary>
/// Tunes glibc's allocator, which libtorch's CPU tensors come from, for training loops. By default glibc serves
/// blocks above a (dynamic) threshold with fresh <c>mmap</c> pages and returns freed memory at the top of the heap to
/// the system once more than twice that threshold is free. A training batch allocates and frees many tensors of
/// several megabytes (a [128, 32, 28, 28] feature map is 12.8 MB), so each batch faults its pages in again: measured
/// here, a convolutional autoencoder step ran 2.6 to 3 times faster with freed memory kept (one thread,
/// 331 against 927 samples/s). Kept memory is reused by the next batch, so resident memory stays at the loop's
/// working set instead of growing. Linux with glibc only; elsewhere, or where the user set the matching
/// <c>MALLOC_*_</c> environment variable, nothing is changed.
/// </summary>
public static class NativeAllocator
{
    private const int TrimThresholdParameter = -1;  // M_TRIM_THRESHOLD
    private const int TopPadParameter = -2;         // M_TOP_PAD
    private const int MmapThresholdParameter = -3;  // M_MMAP_THRESHOLD
    private const int MmapMaxParameter = -4;        // M_MMAP_MAX

    /// <summary>Freed memory glibc keeps before returning any to the system: 1 GiB.</summary>
    public const int TrimThresholdBytes = 1 << 30;

    /// <summary>Extra memory taken whenever the heap grows, so that growth comes in few steps: 64 MiB.</summary>
    public const int TopPadBytes = 64 << 20;

    /// <summary>
    /// The size above which glibc would give a block its own <c>mmap</c>: 32 MiB, glibc's largest allowed value, which
    /// also stops glibc raising the threshold by itself. <see cref="MaxMappedBlocks"/> switches such mappings off.
    /// </summary>
    public const int MmapThresholdBytes = 32 << 20;

    /// <summary>
    /// Blocks glibc may serve with their own <c>mmap</c>: none, so every block, however large, comes from the heap and
    /// its memory is reused after it is freed. A 32 MiB threshold alone left the feature maps of larger batches (a
    /// [512, 32, 28, 28] map of contrastive pretraining's two views is 51 MB) on fresh mappings that fault in at every
    /// batch: measured here, a contrastive epoch on the embedded slice (batch 256, 32 and 64 channels, one thread) took
    /// 22.0 s with them and 11.3 s without, with the same loss. The cost: a large block freed below the top of the heap
    /// (a data set replaced by its scaled copy) stays resident until it is reused, within the 1 GiB trim threshold.
    /// This holds for the process's main heap, which serves the main thread (where <c>pretrain run</c> trains): glibc
    /// gives other threads arenas of their own, made of heaps of at most 64 MiB that are unmapped once empty, and their
    /// number is fixed when the runtime starts its first threads, before any code here can change it (glibc's own
    /// <c>MALLOC_ARENA_MAX=1</c> in the environment of the process puts every thread on the main heap).
    /// </summary>
    public const int MaxMappedBlocks = 0;

    /// <summary>Whether <see cref="KeepFreedMemory"/> changed the allocator in this process.</summary>
    public static bool Tuned { get; private set; }

    /// <summary>
    /// Makes glibc keep freed memory for reuse (see the type's remarks). Call it once, early; it is idempotent.
    /// Returns true when the settings were applied, false on other platforms or C libraries.
    /// </summary>
    public static bool KeepFreedMemory()
    {
        if (Tuned)
            return true;
        if (!OperatingSystem.IsLinux())
            return false;
        try
        {
            var applied = Set("MALLOC_MMAP_THRESHOLD_", MmapThresholdParameter, MmapThresholdBytes)
                & Set("MALLOC_MMAP_MAX_", MmapMaxParameter, MaxMappedBlocks)
                & Set("MALLOC_TRIM_THRESHOLD_", TrimThresholdParameter, TrimThresholdBytes)
                & Set("MALLOC_TOP_PAD_", TopPadParameter, TopPadBytes);
            Tuned = applied;
            return applied;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;  // not glibc (musl has no mallopt)
        }
    }

    /// <summary>
    /// Returns the memory glibc keeps freed to the system (<c>malloc_trim</c>): whole free pages anywhere in the heaps,
    /// not only at the top. Call it after a one-off phase that freed large blocks (loading and scaling a data set), so
    /// that memory kept for reuse by <see cref="KeepFreedMemory"/> does not stay resident through a run that will
    /// never reuse it, such as one streaming from shards under a memory budget. Returns true when memory was released;
    /// false when there was none or the platform has no glibc.
    /// </summary>
    public static bool ReleaseFreedMemory()
    {
        if (!OperatingSystem.IsLinux())
            return false;
        try
        {
            return malloc_trim(0) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    private static bool Set(string environmentVariable, int parameter, int value) =>
        Environment.GetEnvironmentVariable(environmentVariable) is not null || mallopt(parameter, value) == 1;

    // DllImport rather than LibraryImport: the source-generated form needs unsafe code for one int-only call.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "mallopt")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int mallopt(int parameter, int value);

    [DllImport("libc", EntryPoint = "malloc_trim")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int malloc_trim(nuint pad);
#pragma warning restore SYSLIB1054
}
