using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Training;

/// <summary>
/// Keeps a copy of the weights of the best epoch so far (highest validation accuracy, lower loss breaking ties),
/// for early stopping. Owns the copies.
/// </summary>
internal sealed class BestWeights : IDisposable
{
    private Dictionary<string, Tensor>? _state;

    public int Epoch { get; private set; }

    public double Accuracy { get; private set; } = double.NegativeInfinity;

    private double _loss = double.PositiveInfinity;

    /// <summary>Records the model's weights if this epoch beats the best; returns whether it did.</summary>
    public bool Offer(nn.Module model, int epoch, double accuracy, double loss)
    {
        if (accuracy < Accuracy || (accuracy == Accuracy && loss >= _loss))
            return false;
        Dispose();
        // Under no_grad the clones do not join the autograd graph; no intermediate handles are created.
        using (no_grad())
            _state = model.state_dict().ToDictionary(p => p.Key, p => p.Value.clone().DetachFromDisposeScope());
        Epoch = epoch;
        Accuracy = accuracy;
        _loss = loss;
        return true;
    }

    /// <summary>Copies the recorded weights back into <paramref name="model"/>.</summary>
    public void Restore(nn.Module model)
    {
        if (_state is null)
            return;
        using (no_grad())
        {
            foreach (var (name, tensor) in model.state_dict())
                tensor.copy_(_state[name]);
        }
    }

    public void Dispose()
    {
        if (_state is null)
            return;
        foreach (var tensor in _state.Values)
            tensor.Dispose();
        _state = null;
    }
}
