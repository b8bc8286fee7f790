using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Tests.Training;

/// <summary>
/// Copies weights between networks of one architecture. Tests that compare two trainings start them from identical
/// weights this way, not by re-seeding the global generator, which tests running in parallel also draw from.
/// </summary>
internal static class SameWeights
{
    public static void Copy(nn.Module from, nn.Module to)
    {
        var source = from.state_dict();
        using var _ = no_grad();
        foreach (var (name, tensor) in to.state_dict())
            tensor.copy_(source[name]);
    }
}
