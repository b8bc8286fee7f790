using static TorchSharp.torch;

namespace Pretrain.Pretraining.Layers;

/// <summary>
/// Early stopping for a layer trainer on a monitored value where lower is better (validation reconstruction error).
/// Keeps copies of the parameters of the best epoch so far; <see cref="Restore"/> copies them back. Owns the copies.
/// </summary>
public sealed class LayerEarlyStopping : IDisposable
{
    private readonly int? _patience;
    private Dictionary<string, Tensor>? _best;
    private int _stale;

    /// <summary>Stops after <paramref name="patience"/> epochs without improvement; null never stops early (but still keeps the best).</summary>
    public LayerEarlyStopping(int? patience) => _patience = patience;

    /// <summary>The best epoch so far (0 before any).</summary>
    public int BestEpoch { get; private set; }

    /// <summary>The best monitored value so far.</summary>
    public double BestValue { get; private set; } = double.PositiveInfinity;

    /// <summary>
    /// Records <paramref name="value"/> for <paramref name="epoch"/>, snapshotting <paramref name="parameters"/> when it
    /// improves. Returns true when training should stop.
    /// </summary>
    public bool Update(int epoch, double value, IReadOnlyDictionary<string, Tensor> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (value < BestValue)
        {
            BestValue = value;
            BestEpoch = epoch;
            _stale = 0;
            DisposeSnapshot();
            using (no_grad())
                _best = parameters.ToDictionary(p => p.Key, p => p.Value.clone().DetachFromDisposeScope());
            return false;
        }
        return _patience is int patience && ++_stale >= patience;
    }

    /// <summary>Copies the best epoch's values back into <paramref name="parameters"/> (same names and shapes).</summary>
    public void Restore(IReadOnlyDictionary<string, Tensor> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (_best is null)
            return;
        using var _ = no_grad();
        foreach (var (name, tensor) in parameters)
            tensor.copy_(_best[name]);
    }

    /// <inheritdoc />
    public void Dispose() => DisposeSnapshot();

    private void DisposeSnapshot()
    {
        if (_best is null)
            return;
        foreach (var tensor in _best.Values)
            tensor.Dispose();
        _best = null;
    }
}
