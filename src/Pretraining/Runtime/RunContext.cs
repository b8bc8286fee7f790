using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp;

namespace Pretrain.Pretraining.Runtime;

/// <summary>
/// Everything global to one run, passed to every trainer: the device, the seed and the random generators derived
/// from it (<see cref="CreateGenerator(RandomStream, long)"/>), a logger and the cancellation token. Nothing in Pretrain
/// reaches for static state: libtorch's global generator is never seeded or used, so runs in one process do not
/// disturb each other.
/// </summary>
public sealed class RunContext
{
    private RunContext(torch.Device device, int seed, ILogger logger, CancellationToken cancellation)
    {
        Device = device;
        Seed = seed;
        Logger = logger;
        Cancellation = cancellation;
    }

    /// <summary>The resolved device all tensors of the run live on.</summary>
    public torch.Device Device { get; }

    /// <summary>The run's seed. The same seed on the same CPU build repeats a run exactly.</summary>
    public int Seed { get; }

    /// <summary>Where trainers report; scopes carry layer and stage.</summary>
    public ILogger Logger { get; }

    /// <summary>Signalled when the user or the host asks the run to stop; trainers check it every batch.</summary>
    public CancellationToken Cancellation { get; }

    /// <summary>True when the run is on a CUDA device.</summary>
    public bool IsCuda => Device.type == DeviceType.CUDA;

    /// <summary>
    /// Creates a context on <paramref name="device"/> with <paramref name="seed"/>; the CPU thread count is left to
    /// libtorch (all cores).
    /// </summary>
    public static RunContext Create(DeviceSpec device, int seed, ILogger? logger = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(device);
        var resolved = device.Resolve();
        TorchSharpLifetimes.WarnIfNotKeptAlive(logger ?? NullLogger.Instance);
        return new RunContext(resolved, seed, logger ?? NullLogger.Instance, cancellation);
    }

    /// <summary>The same run with another logger (e.g. a quieter one for an inner training loop).</summary>
    public RunContext WithLogger(ILogger logger) => new(Device, Seed, logger ?? NullLogger.Instance, Cancellation);

    /// <summary>
    /// A CPU generator seeded from the run seed, <paramref name="stream"/> and <paramref name="key"/>, so independent
    /// consumers (shuffling, noise, initial weights, dropout) draw repeatable numbers that do not depend on each other's
    /// consumption. The caller owns (disposes) it.
    /// </summary>
    public torch.Generator CreateGenerator(RandomStream stream, long key = 0)
    {
        var number = (long)stream + key;
        var mixed = unchecked((ulong)Seed * 0x9E3779B97F4A7C15UL + (ulong)number * 0xBF58476D1CE4E5B9UL);
        return new torch.Generator(mixed % long.MaxValue);
    }

    /// <summary>A description of the device for the start-of-run log line.</summary>
    public string DescribeDevice() =>
        IsCuda
            ? $"cuda:{Device.index} ({torch.cuda.device_count()} CUDA device(s) visible)"
            : $"cpu ({torch.get_num_threads()} threads{(torch.cuda.is_available() ? "; CUDA available but not selected" : "; CUDA not available")})";
}
