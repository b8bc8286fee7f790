using Microsoft.Extensions.Logging;
using Pretrain.FineTuning.Freezing;
using Pretrain.Pretraining.Runtime;

namespace Pretrain.FineTuning.Training;

/// <summary>
/// Which layers are trainable at each epoch: gradual unfreezing (<see cref="SupervisedTrainingOptions.UnfreezeEveryEpochs"/>),
/// or every layer after <see cref="SupervisedTrainingOptions.UnfreezeAfterEpochs"/>. Without either it changes nothing,
/// so layers frozen by the caller stay frozen.
/// </summary>
internal sealed class TrainableSchedule(LayerGroups groups, SupervisedTrainingOptions options)
{
    private int _trainable = -1;
    private bool _unfrozenAfter;

    /// <summary>Number of trainable layers (from the top) at 1-based <paramref name="epoch"/>, or null without a schedule.</summary>
    public int? TrainableAt(int epoch) =>
        options.UnfreezeEveryEpochs is int every ? new UnfreezingSchedule(groups.Count, every).TrainableAt(epoch) : null;

    /// <summary>Applies the schedule for <paramref name="epoch"/>; returns true when the trainable set changed.</summary>
    public bool Apply(int epoch, RunContext context)
    {
        if (options.UnfreezeAfterEpochs is int after)
        {
            if (epoch <= after || _unfrozenAfter)
                return false;
            _unfrozenAfter = true;
            Freezer.UnfreezeAll(groups);
            context.Logger.LogInformation("Epoch {Epoch}: every layer trainable ({Layers}) after {After} epochs with the lower layers frozen",
                epoch, string.Join(", ", groups.TrainableNames), after);
            return true;
        }
        if (TrainableAt(epoch) is not int wanted || wanted == _trainable)
            return false;
        var first = _trainable < 0;
        _trainable = wanted;
        Freezer.FreezeTo(groups, groups.Count - wanted);
        context.Logger.LogInformation("Epoch {Epoch}: trainable layers {Layers} (gradual unfreezing, one more every {Every} epochs)",
            epoch, string.Join(", ", groups.TrainableNames), options.UnfreezeEveryEpochs);
        return !first;
    }
}
