using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.Recipes.Pipeline;

/// <summary>
/// A network's weights and buffers (batch-norm statistics included) as they were when captured, to put back when the
/// training that followed did worse on validation. Copies, so the network trains on unhindered meanwhile.
/// </summary>
internal sealed class WeightSnapshot : IDisposable
{
    private readonly Dictionary<string, Tensor> _tensors;

    private WeightSnapshot(Dictionary<string, Tensor> tensors) => _tensors = tensors;

    /// <summary>Copies every tensor of <paramref name="module"/>'s state.</summary>
    public static WeightSnapshot Of(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        using var _ = no_grad();
        return new WeightSnapshot(module.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone().DetachFromDisposeScope()));
    }

    /// <summary>Puts the captured values back into <paramref name="module"/>, which must be the same architecture.</summary>
    public void RestoreInto(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        using var _ = no_grad();
        foreach (var (name, tensor) in module.state_dict())
            tensor.copy_(_tensors.TryGetValue(name, out var saved) ? saved
                : throw new InvalidOperationException($"the snapshot has no tensor {name}: it was taken of another architecture."));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var tensor in _tensors.Values)
            tensor.Dispose();
        _tensors.Clear();
    }
}
