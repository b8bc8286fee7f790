using Pretrain.FineTuning.Training;
using Pretrain.Pretraining.Validation;

namespace Pretrain.Recipes.Model;

/// <summary>
/// The recipe's <c>distillation</c> section: the settings of <see cref="DistillationOptions"/> (<c>epochs</c>,
/// <c>temperature</c>, <c>patience</c>, inherited with their defaults) and the student network.
/// </summary>
public sealed record DistillationSection : DistillationOptions
{
    /// <summary>
    /// The student, described like <c>model</c> (<c>convolutions</c>, <c>hiddenLayers</c>, <c>activation</c>,
    /// <c>batchNorm</c>, <c>dropout</c>, <c>initializer</c>) and started from random weights, the same ones for both
    /// arms so that only the teacher differs: SimCLRv2's step from a big pretrained teacher to a small network. Default
    /// null: each arm's student is the arm's own network as it was when training started.
    /// </summary>
    public ModelSection? Student { get; init; }

    /// <inheritdoc />
    public override IEnumerable<OptionProblem> Problems()
    {
        foreach (var problem in base.Problems())
            yield return problem;
        if (Student is not { } student)
            yield break;
        foreach (var problem in student.Problems())
            yield return problem.Under("student");
        // A student learns from random weights: nothing of the arm's stack, files or frozen layers is carried over.
        if (student.Initialization != NetworkInitialization.Random)
            yield return new("student.initialization", "a student starts from random weights: remove student.initialization or set it to 'random'.");
        if (student.Restore is not null)
            yield return new("student.restore", "a student starts from random weights: remove student.restore.");
        if (student.FreezeLayers != 0)
            yield return new("student.freezeLayers", "a student trains every layer: remove student.freezeLayers.");
    }
}
