using System.Globalization;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Training;

/// <summary>
/// Remembers the best epoch so far by a <see cref="MonitoredMetric"/>, with a copy of its weights, and counts epochs
/// without improvement for early stopping. Owns the copies. The one best-weights snapshot every trainer uses.
/// </summary>
public sealed class BestEpochTracker(MonitoredMetric monitor) : IDisposable
{
    private Dictionary<string, Tensor>? _snapshot;
    private double _bestTie = double.PositiveInfinity;

    /// <summary>What is watched.</summary>
    public MonitoredMetric Monitor { get; } = monitor ?? throw new ArgumentNullException(nameof(monitor));

    /// <summary>The best epoch so far (0 before any epoch measured the metric).</summary>
    public int BestEpoch { get; private set; }

    /// <summary>The best value so far (NaN before any).</summary>
    public double BestValue { get; private set; } = double.NaN;

    /// <summary>Epochs since the last improvement (among epochs that measured the metric).</summary>
    public int StaleEpochs { get; private set; }

    /// <summary>
    /// Records <paramref name="epoch"/>'s <paramref name="metrics"/>; when they improve on the best, copies
    /// <paramref name="weights"/>. An epoch that did not measure the metric changes nothing. Returns true on improvement.
    /// </summary>
    public bool Offer(int epoch, IReadOnlyDictionary<string, double> metrics, IReadOnlyDictionary<string, Tensor> weights)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(weights);
        if (!metrics.TryGetValue(Monitor.Name, out var value))
            return false;
        var tie = Monitor.TieBreaker is { } name && metrics.TryGetValue(name, out var t) ? t : double.PositiveInfinity;
        if (!Monitor.Improves(value, tie, BestValue, _bestTie))
        {
            StaleEpochs++;
            return false;
        }
        (BestValue, _bestTie, BestEpoch, StaleEpochs) = (value, tie, epoch, 0);
        DisposeSnapshot();
        using (no_grad())
            _snapshot = weights.ToDictionary(w => w.Key, w => w.Value.clone().DetachFromDisposeScope(), StringComparer.Ordinal);
        return true;
    }

    /// <summary>Copies the best epoch's weights back into <paramref name="weights"/>; false when no epoch was measured.</summary>
    public bool Restore(IReadOnlyDictionary<string, Tensor> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (_snapshot is null)
            return false;
        using var _ = no_grad();
        foreach (var (name, tensor) in weights)
            tensor.copy_(_snapshot[name]);
        return true;
    }

    /// <summary>Adds the tracker's state and snapshot to a checkpoint, under <paramref name="prefix"/>.</summary>
    public void Save(TrainingState state, string prefix)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.Set(prefix + "bestEpoch", BestEpoch.ToString(CultureInfo.InvariantCulture));
        state.Set(prefix + "bestValue", BestValue.ToString("R", CultureInfo.InvariantCulture));
        state.Set(prefix + "bestTie", _bestTie.ToString("R", CultureInfo.InvariantCulture));
        state.Set(prefix + "staleEpochs", StaleEpochs.ToString(CultureInfo.InvariantCulture));
        foreach (var (name, tensor) in _snapshot ?? [])
            state.Add(prefix + "weights." + name, tensor);
    }

    /// <summary>Restores what <see cref="Save"/> wrote; <paramref name="weights"/> gives the names and shapes of the snapshot.</summary>
    public void Load(TrainingState state, string prefix, IReadOnlyDictionary<string, Tensor> weights)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(weights);
        BestEpoch = int.Parse(state.Get(prefix + "bestEpoch"), CultureInfo.InvariantCulture);
        BestValue = double.Parse(state.Get(prefix + "bestValue"), CultureInfo.InvariantCulture);
        _bestTie = double.Parse(state.Get(prefix + "bestTie"), CultureInfo.InvariantCulture);
        StaleEpochs = int.Parse(state.Get(prefix + "staleEpochs"), CultureInfo.InvariantCulture);
        DisposeSnapshot();
        if (BestEpoch == 0)
            return;
        _snapshot = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, tensor) in weights)
        {
            var copy = empty_like(tensor).DetachFromDisposeScope();
            _snapshot[name] = copy;
            state.CopyInto(prefix + "weights." + name, copy);
        }
    }

    /// <inheritdoc />
    public void Dispose() => DisposeSnapshot();

    private void DisposeSnapshot()
    {
        foreach (var tensor in _snapshot?.Values ?? Enumerable.Empty<Tensor>())
            tensor.Dispose();
        _snapshot = null;
    }
}
