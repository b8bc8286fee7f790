using static TorchSharp.torch;

namespace Pretrain.Pretraining.Layers.Rbm;

/// <summary>
/// The CD-k / PCD update rule with momentum, weight decay and an optional sparsity target, for dense and
/// convolutional RBMs alike (<see cref="IRbmModel"/>). Owns the velocities, the persistent chains and the running
/// hidden-activation estimate. All updates run under no_grad.
/// </summary>
public sealed class ContrastiveDivergence : IDisposable
{
    private readonly IContrastiveDivergenceSettings _options;
    private readonly Tensor _weightVelocity;
    private readonly Tensor _hiddenVelocity;
    private readonly Tensor _visibleVelocity;
    private Tensor? _chains;
    private Tensor? _meanActivation;

    /// <summary>Creates the update rule for <paramref name="model"/>.</summary>
    public ContrastiveDivergence(IRbmModel model, IContrastiveDivergenceSettings options)
    {
        ArgumentNullException.ThrowIfNull(model);
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _weightVelocity = zeros_like(model.Weight).DetachFromDisposeScope();
        _hiddenVelocity = zeros_like(model.HiddenBias).DetachFromDisposeScope();
        _visibleVelocity = zeros_like(model.VisibleBias).DetachFromDisposeScope();
    }

    /// <summary>The dense RBM's CD gradient estimate (positive minus negative statistics over the batch), without decay or momentum.</summary>
    /// <param name="v0">Data, [B, V].</param>
    /// <param name="h0">p(h | data), [B, H].</param>
    /// <param name="vk">The negative phase's visible units, [B', V].</param>
    /// <param name="hk">p(h | vk), [B', H].</param>
    public static (Tensor Weight, Tensor HiddenBias, Tensor VisibleBias) Gradient(Tensor v0, Tensor h0, Tensor vk, Tensor hk)
    {
        ArgumentNullException.ThrowIfNull(v0);
        ArgumentNullException.ThrowIfNull(h0);
        ArgumentNullException.ThrowIfNull(vk);
        ArgumentNullException.ThrowIfNull(hk);
        // 1. <v h>_data - <v h>_model, each averaged over its own rows.
        var weight = addmm(h0.t().mm(v0), hk.t(), vk, beta: 1f / v0.shape[0], alpha: -1f / vk.shape[0]);
        var hidden = h0.mean([0]) - hk.mean([0]);
        var visible = v0.mean([0]) - vk.mean([0]);
        return (weight, hidden, visible);
    }

    /// <summary>One update of <paramref name="model"/> from data batch <paramref name="v0"/> at 1-based <paramref name="epoch"/>.</summary>
    public void Step(IRbmModel model, Tensor v0, int epoch, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(v0);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        // The weights change only in step 4, so every product before it may share one conversion of them.
        using var held = model.HoldWeights();
        // 1. Positive phase: hidden probabilities given the data.
        var h0 = model.HiddenProbabilities(v0);
        // 2. Negative phase: k Gibbs steps from sampled hidden states of the data (CD) or of the persistent chains (PCD).
        var chains = _options.Persistent ? Chains(v0) : null;
        var start = chains is null ? h0 : model.HiddenProbabilities(chains);
        var h = model.SampleHidden(start, generator);
        Tensor vk = null!, hk = null!;
        for (var step = 1; step <= _options.CdSteps; step++)
        {
            var mean = model.VisibleMean(h);
            // Statistics use the visible mean of the last step (less noise, as the guide recommends); chains carry samples.
            vk = step < _options.CdSteps || _options.Persistent ? model.SampleVisible(mean, generator) : mean;
            hk = model.HiddenProbabilities(vk);
            if (step < _options.CdSteps)
                h = model.SampleHidden(hk, generator);
        }
        chains?.copy_(vk);

        // 3. Gradient, weight decay on W only, sparsity pressure on the hidden biases.
        var (dw, dc, db) = model.Gradient(v0, h0, vk, hk);
        held.Dispose();
        dw = dw.add_(model.Weight, alpha: -_options.WeightDecay);
        if (_options.SparsityTarget is double target)
            dc = dc - _options.SparsityCost * (RunningMean(model.MeanActivation(h0)) - target);

        // 4. Momentum: velocity = m * velocity + lr * gradient; parameters += velocity.
        var momentum = _options.MomentumAt(epoch);
        _weightVelocity.mul_(momentum).add_(dw, alpha: _options.LearningRate);
        _hiddenVelocity.mul_(momentum).add_(dc, alpha: _options.LearningRate);
        _visibleVelocity.mul_(momentum).add_(db, alpha: _options.LearningRate);
        model.Weight.add_(_weightVelocity);
        model.HiddenBias.add_(_hiddenVelocity);
        model.VisibleBias.add_(_visibleVelocity);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _weightVelocity.Dispose();
        _hiddenVelocity.Dispose();
        _visibleVelocity.Dispose();
        _chains?.Dispose();
        _meanActivation?.Dispose();
    }

    private Tensor Chains(Tensor v0)
    {
        // Persistent chains start at the first batch's data, one chain per row; a short last batch uses the first rows.
        _chains ??= v0.clone().DetachFromDisposeScope();
        return _chains.shape[0] == v0.shape[0] ? _chains : _chains.narrow(0, 0, Math.Min(v0.shape[0], _chains.shape[0]));
    }

    private Tensor RunningMean(Tensor batchMean)
    {
        if (_meanActivation is null)
            _meanActivation = batchMean.clone().DetachFromDisposeScope();
        else
            _meanActivation.mul_(_options.SparsityDecay).add_(batchMean, alpha: 1 - _options.SparsityDecay);
        return _meanActivation;
    }
}
