using Pretrain.Pretraining.Layers.Rbm;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Layers.ConvRbm;

/// <summary>
/// What a convolutional RBM reports each epoch: the mean-field reconstruction error of training and validation images
/// (the validation one drives early stopping), the mean free energy of equally many training and validation images and
/// their gap (a widening gap means overfitting, as for dense RBMs), and the mean activation of the detection units (to
/// compare with a sparsity target). With probabilistic max-pooling the free energy is that of the pooled model, whose
/// windows allow only "all off" or "one unit on" (<see cref="ConvRbmModel.FreeEnergyOf"/>): the exact free energy of
/// the model being trained.
/// </summary>
internal static class ConvRbmMonitor
{
    public static Dictionary<string, double> Metrics(ConvRbmModel model, ILayerInput train, ILayerInput? validation, Device device, int sample)
    {
        var metrics = new Dictionary<string, double>
        {
            ["reconstructionError"] = RbmMonitor.ReconstructionError(model, train, device, sample),
            ["meanActivation"] = MeanActivation(model, train, device, sample),
        };
        if (validation is null)
            return metrics;
        var size = (int)Math.Min(sample, Math.Min(train.Count, validation.Count));
        metrics["validationReconstructionError"] = RbmMonitor.ReconstructionError(model, validation, device);
        metrics["freeEnergyTrain"] = RbmMonitor.MeanFreeEnergy(model, train, device, size);
        metrics["freeEnergyValidation"] = RbmMonitor.MeanFreeEnergy(model, validation, device, size);
        metrics["freeEnergyGap"] = metrics["freeEnergyValidation"] - metrics["freeEnergyTrain"];
        return metrics;
    }

    // The mean of p(h = 1 | v) over filters, positions and the first batches of about `limit` examples.
    private static double MeanActivation(ConvRbmModel model, ILayerInput data, Device device, int limit)
    {
        using var _ = no_grad();
        double sum = 0;
        long count = 0;
        foreach (var v in data.Batches(Math.Min(limit, 512), shuffle: null, device))
        {
            using var scope = NewDisposeScope();
            sum += model.HiddenProbabilities(v).mean([1, 2, 3]).sum().item<float>();
            count += v.shape[0];
            if (count >= limit)
                break;
        }
        return sum / count;
    }
}
