using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Corruptions;

/// <summary>
/// Turns a batch of good instances into bad ones: the free labels of the auxiliary tasks. A corruption never changes
/// its input; it returns a new tensor of the same shape, dtype and device, drawn from the generator it is given only,
/// so a fixed seed gives the same corruptions.
/// </summary>
public interface ICorruption
{
    /// <summary>A corrupted copy of <paramref name="batch"/> (first dimension = instances).</summary>
    /// <param name="batch">The good instances.</param>
    /// <param name="generator">A CPU generator; every random number comes from it.</param>
    Tensor Corrupt(Tensor batch, Generator generator);

    /// <summary>A one-line description for logs, for example <c>patch swap 8x8</c>.</summary>
    string Describe();
}
