using Microsoft.Extensions.Logging;
using TorchSharp;

namespace Pretrain.Pretraining.Runtime;

/// <summary>
/// Shares the CPU's cores among jobs that run at once in one process, by setting libtorch's thread count so that the
/// jobs together use each core once.
/// </summary>
/// <remarks>
/// Why: libtorch gives every thread that runs tensor operations its own OpenMP team of (by default) one thread per core,
/// and those threads spin while they wait for the next parallel region. Two jobs of two threads each on two cores
/// therefore fight over every core: on this project's 2-core machine a convolutional fine-tuning loop ran at 349
/// samples/s beside another two-thread training process, against 2,200 alone, six times slower, where giving each job
/// one core would cost each about half. libtorch reads the count when a thread first runs a parallel operation, so it
/// has to be set before the jobs' threads start. A count given in <c>OMP_NUM_THREADS</c> is the user's and is kept.
/// </remarks>
public static class TorchThreads
{
    /// <summary>Threads for each of <paramref name="jobs"/> jobs on <paramref name="cores"/> cores: an equal share, at least one.</summary>
    public static int PerJob(int cores, int jobs)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cores);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(jobs);
        return Math.Max(1, cores / jobs);
    }

    /// <summary>
    /// Before <paramref name="jobs"/> jobs start in this process: sets libtorch's thread count to each job's share of
    /// the machine's cores, unless <c>OMP_NUM_THREADS</c> fixes it or there is one job (libtorch's default, every core,
    /// is then right); logs what it chose. Returns the thread count it set, or null when it left libtorch's own (then
    /// it does not touch libtorch, so a service of one job at a time loads the native library with its first job).
    /// </summary>
    public static int? ShareAmong(int jobs, ILogger logger) =>
        ShareAmong(jobs, Environment.ProcessorCount, Environment.GetEnvironmentVariable("OMP_NUM_THREADS"), logger);

    /// <summary><see cref="ShareAmong(int, ILogger)"/> with the core count and the user's <c>OMP_NUM_THREADS</c> given.</summary>
    internal static int? ShareAmong(int jobs, int cores, string? fixedByUser, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        var perJob = PerJob(cores, jobs);
        if (!string.IsNullOrEmpty(fixedByUser))
        {
            logger.LogInformation("{Jobs} job(s) at once on {Cores} cores; torch threads left at OMP_NUM_THREADS={Threads}", jobs, cores, fixedByUser);
            return null;
        }
        if (jobs == 1)
            return null;
        torch.set_num_threads(perJob);
        logger.LogInformation("{Jobs} jobs at once on {Cores} cores: {Threads} torch thread(s) each, so that the jobs do not fight over the cores (OMP_NUM_THREADS overrides)",
            jobs, cores, perJob);
        if (jobs > cores)
            logger.LogWarning("{Jobs} jobs at once on {Cores} cores: some jobs share a core and run more slowly than one after the other would", jobs, cores);
        return perJob;
    }
}
