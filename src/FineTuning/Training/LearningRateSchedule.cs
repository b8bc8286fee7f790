namespace Pretrain.FineTuning.Training;

/// <summary>How the learning rate changes during supervised training.</summary>
public enum LearningRateSchedule
{
    /// <summary>Constant.</summary>
    None,
    /// <summary>Multiplied by gamma (default 0.1) every ScheduleStepEpochs epochs.</summary>
    Step,
    /// <summary>Multiplied by gamma (default 0.95) every epoch.</summary>
    Exponential,
    /// <summary>Cosine annealing from the base rate to 0 over all epochs.</summary>
    Cosine,
    /// <summary>
    /// One-cycle (Smith): per batch, from base/25 up to the base rate over the first 30% of training (cosine), then down
    /// to base/250,000 (cosine). The base rate is the peak.
    /// </summary>
    OneCycle,
}

/// <summary>The factor a schedule applies to the base learning rate at a point of training.</summary>
public static class LearningRateSchedules
{
    /// <summary>
    /// The multiplier of the base rate at 1-based <paramref name="epoch"/> of <paramref name="epochs"/>, when
    /// <paramref name="progressInEpoch"/> (0 to 1) of that epoch's batches are done.
    /// </summary>
    public static double Factor(LearningRateSchedule schedule, int epoch, double progressInEpoch, int epochs, double? gamma = null, int stepEpochs = 10)
    {
        switch (schedule)
        {
            case LearningRateSchedule.None:
                return 1;
            case LearningRateSchedule.Step:
                return Math.Pow(gamma ?? 0.1, (epoch - 1) / Math.Max(1, stepEpochs));
            case LearningRateSchedule.Exponential:
                return Math.Pow(gamma ?? 0.95, epoch - 1);
            case LearningRateSchedule.Cosine:
                return 0.5 * (1 + Math.Cos(Math.PI * (epoch - 1) / Math.Max(1, epochs)));
            case LearningRateSchedule.OneCycle:
                const double warmup = 0.3, start = 1.0 / 25, end = start / 1e4;
                var t = Math.Clamp((epoch - 1 + progressInEpoch) / epochs, 0, 1);
                return t < warmup
                    ? start + (1 - start) * 0.5 * (1 - Math.Cos(Math.PI * t / warmup))
                    : end + (1 - end) * 0.5 * (1 + Math.Cos(Math.PI * (t - warmup) / (1 - warmup)));
            default:
                throw new ArgumentOutOfRangeException(nameof(schedule), schedule, "unknown schedule");
        }
    }
}
