using static TorchSharp.torch;

namespace Pretrain.Pretraining.Layers.Rbm;

/// <summary>
/// What is watched while an RBM trains (guide, sections 5 and 6): reconstruction error, free energy of training
/// versus validation data (a widening gap means overfitting), and the stochastic pseudo-log-likelihood of binary data.
/// The first two serve dense and convolutional RBMs alike (any example shape).
/// </summary>
public static class RbmMonitor
{
    /// <summary>Mean over examples of the squared error of one mean-field reconstruction v -> p(h|v) -> E[v|h], summed over features.</summary>
    public static double ReconstructionError(IRbmModel model, ILayerInput data, Device device, int limit = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        using var _ = no_grad();
        double sum = 0;
        long count = 0;
        foreach (var v in data.Batches(1024, shuffle: null, device))
        {
            using var scope = NewDisposeScope();
            var reconstruction = model.VisibleMean(model.HiddenProbabilities(v));
            sum += (v - reconstruction).square().sum().item<float>();
            count += v.shape[0];
            if (count >= limit)
                break;
        }
        return sum / count;
    }

    /// <summary>Mean free energy of the first <paramref name="limit"/> examples of <paramref name="data"/>.</summary>
    public static double MeanFreeEnergy(IRbmModel model, ILayerInput data, Device device, int limit)
    {
        ArgumentNullException.ThrowIfNull(model);
        return MeanOverFirst(data, device, limit, model.FreeEnergy);
    }

    /// <summary>
    /// Stochastic pseudo-log-likelihood of binary visible data, averaged over up to <paramref name="limit"/> examples:
    /// for each example one random visible unit i is flipped, and PL ~ V * log sigmoid(F(v with i flipped) - F(v)).
    /// Inputs that are probabilities are thresholded at 0.5 first.
    /// </summary>
    public static double PseudoLogLikelihood(RbmModel model, ILayerInput data, Device device, Generator generator, int limit = 2000)
    {
        ArgumentNullException.ThrowIfNull(model);
        return MeanOverFirst(data, device, limit, rows =>
        {
            var v = (rows > 0.5).to(ScalarType.Float32);
            var unit = randint(0, v.shape[1], [v.shape[0]], generator: generator).to(device);
            var flip = nn.functional.one_hot(unit, v.shape[1]).to(ScalarType.Float32);
            var flipped = v + flip - 2 * v * flip;
            return v.shape[1] * nn.functional.logsigmoid(model.FreeEnergy(flipped) - model.FreeEnergy(v));
        });
    }

    // The mean of a per-example value over exactly the first `limit` examples, in batches of at most 1024.
    private static double MeanOverFirst(ILayerInput data, Device device, int limit, Func<Tensor, Tensor> perExample)
    {
        ArgumentNullException.ThrowIfNull(data);
        using var _ = no_grad();
        double sum = 0;
        long count = 0;
        foreach (var batch in data.Batches(Math.Min(limit, 1024), shuffle: null, device))
        {
            using var scope = NewDisposeScope();
            var rows = batch.narrow(0, 0, Math.Min(batch.shape[0], limit - count));
            sum += perExample(rows).sum().item<float>();
            count += rows.shape[0];
            if (count >= limit)
                break;
        }
        return sum / count;
    }
}
