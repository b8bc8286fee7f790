using Pretrain.FineTuning.Training;
using Pretrain.Pretraining.Validation;

namespace Pretrain.Auxiliary.Tasks;

/// <summary>
/// How <see cref="AuxiliaryTrainer"/> trains an encoder and head on an auxiliary task. Not sealed: the recipe sections
/// <c>pretraining.auxiliary</c> and <c>text.auxiliary</c> derive from it, so these fields, their defaults and their range
/// checks exist once (a section may set its own defaults in its constructor, and says so).
/// </summary>
public record AuxiliaryTrainingOptions : IValidatedOptions
{
    /// <summary>Passes over the training instances. Default 10 (recipe sections may state their own).</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Good instances per batch (each brings its corrupted copy or partner); at least 2. Default 128 (recipe sections may state their own).</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Adam's learning rate. Default 1e-3.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>
    /// How the learning rate changes over the epochs (the schedules of supervised training; cosine decays it to 0 by
    /// the end, one-cycle warms up over the first 30% first). Default none (constant).
    /// </summary>
    public LearningRateSchedule Schedule { get; init; }

    /// <summary>L2 weight decay (Adam's coupled form). Default 0.</summary>
    public double WeightDecay { get; init; }

    /// <summary>Fraction of the instances held out to report the task's score (with fixed corruptions) after every epoch. Default 0.05.</summary>
    public double HeldOutFraction { get; init; } = 0.05;

    /// <summary>Every value out of range, each with its field's path; a derived section adds its own fields' problems.</summary>
    public virtual IEnumerable<OptionProblem> Problems()
    {
        if (Epochs < 1) yield return new("epochs", $"expected a positive integer, received {Epochs}.");
        if (BatchSize < 2) yield return new("batchSize", $"expected at least 2 (corruptions borrow from other instances of the batch), received {BatchSize}.");
        if (!(LearningRate > 0)) yield return new("learningRate", $"expected a positive number, received {LearningRate}.");
        if (!(WeightDecay >= 0)) yield return new("weightDecay", $"expected a number >= 0, received {WeightDecay}.");
        if (HeldOutFraction is not (>= 0 and < 1)) yield return new("heldOutFraction", $"expected a number in [0, 1), received {HeldOutFraction}.");
    }
}
