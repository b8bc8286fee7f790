using System.Reflection;
using System.Runtime.InteropServices;

namespace Pretrain.Recipes.Pipeline;

/// <summary>What a run was made with, written next to its results so a number can be traced and repeated.</summary>
/// <param name="Seed">The run's seed.</param>
/// <param name="Device">The device used, as resolved.</param>
/// <param name="Pretrain">Pretrain's version.</param>
/// <param name="TorchSharp">TorchSharp's assembly version.</param>
/// <param name="Runtime">The .NET runtime.</param>
/// <param name="Os">The operating system.</param>
/// <param name="Processors">Logical processors.</param>
/// <param name="Started">When the run began.</param>
public sealed record RunEnvironment(int Seed, string Device, string Pretrain, string TorchSharp, string Runtime, string Os, int Processors, DateTimeOffset Started)
{
    /// <summary>Describes the current process.</summary>
    public static RunEnvironment Capture(int seed, string device, DateTimeOffset started) => new(
        seed,
        device,
        typeof(RunEnvironment).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown",
        typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString() ?? "unknown",
        RuntimeInformation.FrameworkDescription,
        RuntimeInformation.OSDescription,
        Environment.ProcessorCount,
        started);
}
