using Microsoft.Extensions.Logging;
using Pretrain.FineTuning.Freezing;
using Pretrain.Pretraining.Runtime;

namespace Pretrain.FineTuning.Training;

/// <summary>
/// Gradual unfreezing: which layers are trainable at each epoch. Without <see cref="SupervisedTrainingOptions.UnfreezeEveryEpochs"/>
/// it changes nothing, so layers frozen by the caller stay frozen.
/// </summary>
internal sealed class TrainableSchedule(LayerGroups groups, SupervisedTrainingOptions options)
{
    private int _trainable = -1;

    /// <summary>Number of trainable layers (from the top) at 1-based <paramref name="epoch"/>, or null without a schedule.</summary>
    public int? TrainableAt(int epoch) =>
        options.UnfreezeEveryEpochs is int every ? new UnfreezingSchedule(groups.Count, every).TrainableAt(epoch) : null;

    /// <summary>Applies the schedule for <paramref name="epoch"/>; returns true when the trainable set changed.</summary>
    public bool Apply(int epoch, RunContext context)
    {
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
