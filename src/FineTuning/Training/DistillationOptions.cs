using Pretrain.Pretraining.Validation;

namespace Pretrain.FineTuning.Training;

/// <summary>
/// Self-distillation on unlabeled examples (SimCLRv2's third step, Chen et al. 2020; "noisy student", Xie et al. 2020):
/// the trained network becomes a teacher whose class probabilities label every unlabeled example, and a student with
/// the same architecture and starting weights trains on those probabilities and the true labels, with the same
/// augmentation, dropout and learning rate. The recipe's <c>distillation</c> section binds to a record derived from this
/// one, which can also name a different student network.
/// </summary>
public record DistillationOptions : IValidatedOptions
{
    /// <summary>Passes of the student over the unlabeled and labeled examples together. Default 20.</summary>
    public int Epochs { get; init; } = 20;

    /// <summary>
    /// The teacher's probabilities are the softmax of its logits divided by this: below 1 sharpens them towards hard
    /// labels, above 1 softens them. Default 1 (the teacher's own probabilities).
    /// </summary>
    public double Temperature { get; init; } = 1;

    /// <summary>Early stopping of the student on validation accuracy; null (default) uses <c>training.patience</c>.</summary>
    public int? Patience { get; init; }

    /// <summary>
    /// Rounds of self-training ("noisy student", Xie et al. 2020): each round's student, once trained, relabels the
    /// unlabeled examples as the next round's teacher, and a fresh student learns from it. Only the last round's
    /// student is tested and saved; the log gives every round's validation accuracy. Default 1.
    /// </summary>
    public int Rounds { get; init; } = 1;

    /// <summary>
    /// The student's augmentation, drawn anew every epoch: the noise that lets a student outgrow its teacher, whose
    /// labels come from the clean images. Null (default) uses <c>training.augmentation</c>.
    /// </summary>
    public Augmentation.ImageAugmentationOptions? Augmentation { get; init; }

    /// <summary>
    /// The student's learning-rate schedule over its <see cref="Epochs"/>, from the rate the arm chose (e.g. <c>cosine</c>
    /// anneals it to 0 by the last epoch, so the student ends converged rather than wherever a constant rate left it).
    /// Null (default) uses <c>training.schedule</c>.
    /// </summary>
    public LearningRateSchedule? Schedule { get; init; }

    /// <inheritdoc />
    public virtual IEnumerable<OptionProblem> Problems()
    {
        if (Epochs < 1)
            yield return new("epochs", $"expected at least 1, received {Epochs}.");
        if (!(Temperature > 0) || double.IsInfinity(Temperature))
            yield return new("temperature", $"expected a positive number, received {Temperature}.");
        if (Patience is < 1)
            yield return new("patience", $"expected at least 1 epoch, received {Patience}.");
        if (Rounds < 1)
            yield return new("rounds", $"expected at least 1, received {Rounds}.");
        foreach (var problem in Augmentation?.Problems() ?? [])
            yield return problem.Under("augmentation");
    }
}
