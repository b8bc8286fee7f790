using Microsoft.Extensions.Logging;
using Pretrain.FineTuning.Caching;
using Pretrain.FineTuning.Evaluation;
using Pretrain.FineTuning.Training;
using Pretrain.Pretraining;
using Pretrain.Pretraining.Data;
using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Stacks;
using Pretrain.Pretraining.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pretrain.Recipes.Pipeline;

/// <summary>What the student of one arm reached.</summary>
/// <param name="History">The student's epochs.</param>
/// <param name="Test">Its test report, when there is a test set.</param>
internal sealed record DistillationOutcome(TrainingHistory History, ClassificationReport? Test);

/// <summary>
/// The recipe's <c>distillation</c> for one arm (<see cref="DistillationOptions"/>): the arm's trained network labels
/// the unlabeled training examples with its probabilities, and a student trains on those and the labels: built exactly
/// as the arm's network was at the start of training (pretrained or random weights, batch norm calibrated the same
/// way), or the network of <c>distillation.student</c> from random weights (the same for both arms). It trains at the
/// learning rate the arm chose, with the recipe's augmentation and regularization. The student is saved as <c>network-distilled[-scratch]</c> and tested once.
/// </summary>
internal static class DistillationStep
{
    public static DistillationOutcome Run(Model.LoadedRecipe loaded, PreparedData data, PretrainedStack? stack, bool fromScratch, Sequential teacher,
        double learningRate, RunFolder folder, RunContext context, ITrainingCallback? progress)
    {
        var options = loaded.Recipe.Distillation ?? throw new InvalidOperationException("the recipe has no distillation section");
        var training = loaded.Recipe.Training ?? new();
        var labeled = PreparedData.InMemory(data.Train, "distillation", "distillation");
        var unlabeled = data.Unlabeled ?? throw new PretrainException(
            "distillation: the teacher labels the unlabeled training examples in memory, but they are streamed under data.memoryBudget: raise data.memoryBudget or remove the distillation section.");
        var suffix = fromScratch ? "-scratch" : "";
        var arm = fromScratch ? "from random weights" : "fine-tuned";

        using var probabilities = TeacherTargets.Probabilities(teacher, unlabeled.Features, options.Temperature, context.Device);
        using (var scope = NewDisposeScope())
        {
            var confidence = probabilities.max(1).values.mean().item<float>();
            context.Logger.LogInformation("Distillation: the network {Arm} labels {Count} unlabeled examples (temperature {Temperature}; mean top-class probability {Confidence:F3})",
                arm, unlabeled.Count, options.Temperature, confidence);
        }
        using var examples = SoftLabeledExamples.Combine(labeled, unlabeled, probabilities);
        var studentSection = options.Student;
        using var student = studentSection is null ? NetworkSetup.Create(loaded, data, stack, fromScratch, context) : NetworkSetup.CreateStudent(studentSection, data, context);
        var studentSpec = studentSection is null ? NetworkSetup.Spec(loaded, data, stack) : NetworkSetup.StudentSpec(studentSection, data);
        var studentOptions = training with { LearningRate = learningRate, LearningRates = null, Epochs = options.Epochs, Patience = options.Patience ?? training.Patience };
        context.Logger.LogInformation("Training the student ({Start}) on {Count} examples ({Labeled} with labels, the rest with the teacher's probabilities) for up to {Epochs} epochs at learning rate {Rate}",
            studentSection is null ? $"{arm} start" : $"distillation.student {SupervisedStage.Describe(studentSpec, data.Train.ClassCount)} from random weights", examples.Count, labeled.Count, options.Epochs, learningRate);
        var checkpoint = new EpochCheckpoint(folder.File(Path.Combine("checkpoints", $"distillation{suffix}.safetensors")));
        var history = new CachingTrainer(studentOptions)
            .Fit(student, examples, data.Validation, context, new CompositeCallback(progress, new MetricsFileCallback(folder)), checkpoint);

        var test = SupervisedStage.Publish(student, studentSpec, history, $"-distilled{suffix}", $"student distilled from the network {arm}", learningRate,
            loaded, data, folder, context);
        return new DistillationOutcome(history, test);
    }
}
