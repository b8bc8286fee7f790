namespace Pretrain.Auxiliary.Tasks;

/// <summary>How <see cref="AuxiliaryTrainer"/> trains an encoder and head on an auxiliary task.</summary>
public sealed record AuxiliaryTrainingOptions
{
    /// <summary>Passes over the training instances.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Good instances per batch (each brings its corrupted copy or partner).</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Adam's learning rate.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>L2 weight decay (Adam's coupled form).</summary>
    public double WeightDecay { get; init; }

    /// <summary>Fraction of the instances held out to report the task's score (with fixed corruptions) after every epoch.</summary>
    public double HeldOutFraction { get; init; } = 0.05;

    /// <summary>Throws with the field named when an option is out of range.</summary>
    public void Validate()
    {
        if (Epochs < 1)
            throw new ArgumentException($"auxiliary training: epochs must be at least 1, received {Epochs}.");
        if (BatchSize < 2)
            throw new ArgumentException($"auxiliary training: batchSize must be at least 2 (corruptions borrow from other instances), received {BatchSize}.");
        if (!(LearningRate > 0))
            throw new ArgumentException($"auxiliary training: learningRate must be positive, received {LearningRate}.");
        if (WeightDecay < 0)
            throw new ArgumentException($"auxiliary training: weightDecay must not be negative, received {WeightDecay}.");
        if (!(HeldOutFraction >= 0 && HeldOutFraction < 1))
            throw new ArgumentException($"auxiliary training: heldOutFraction must be in [0, 1), received {HeldOutFraction}.");
    }
}
