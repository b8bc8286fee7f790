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

/// <summary>
/// The recipe's <c>distillation</c> for one arm (<see cref="DistillationOptions"/>): the arm's trained network labels
/// the unlabeled training examples with its probabilities, and a student trains on those and the labels: built exactly
/// as the arm's network was at the start of training (pretrained or random weights, batch norm calibrated the same
/// way), or the network of <c>distillation.student</c> from random weights (the same for both arms). It trains at the
/// learning rate the arm chose, with the recipe's regularization and <c>distillation.augmentation</c> (else the
/// training's). With <c>distillation.rounds</c> above 1 each student relabels the examples for the next; only the last
/// student is saved as <c>network-distilled[-scratch]</c> and tested once.
/// </summary>
internal static class DistillationStep
{
    public static TrainedArmOutcome Run(Model.LoadedRecipe loaded, PreparedData data, PretrainedStack? stack, bool fromScratch, Sequential teacher,
        double learningRate, RunFolder folder, RunContext context, ITrainingCallback? progress)
    {
        var options = loaded.Recipe.Distillation ?? throw new InvalidOperationException("the recipe has no distillation section");
        var training = loaded.Recipe.Training ?? new();
        var labeled = PreparedData.InMemory(data.Train, "distillation", "distillation");
        var unlabeled = data.Unlabeled ?? throw new PretrainException(
            "distillation: the teacher labels the unlabeled training examples in memory, but they are streamed under data.memoryBudget: raise data.memoryBudget or remove the distillation section.");
        var suffix = fromScratch ? "-scratch" : "";
        var arm = fromScratch ? "from random weights" : "fine-tuned";
        var studentSection = options.Student;
        var studentSpec = studentSection is null ? NetworkSetup.Spec(loaded, data, stack) : NetworkSetup.StudentSpec(studentSection, data);
        var studentOptions = training with
        {
            LearningRate = learningRate, LearningRates = null, Epochs = options.Epochs, Patience = options.Patience ?? training.Patience,
            Augmentation = options.Augmentation ?? training.Augmentation, Schedule = options.Schedule ?? training.Schedule,
        };

        // Each round's student teaches the next; the arm's own network (not ours to dispose) teaches the first.
        Sequential? previous = null;
        try
        {
            for (var round = 1; ; round++)
            {
                var current = previous ?? teacher;
                var student = TrainStudent(current, round, round == 1 ? $"the network {arm}" : $"the round {round - 1} student");
                if (round == options.Rounds)
                {
                    using (student.Network)
                    {
                        var test = SupervisedStage.Publish(student.Network, studentSpec, student.History, $"-distilled{suffix}",
                            $"student distilled from the network {arm}{(options.Rounds > 1 ? $" in {options.Rounds} rounds" : "")}", learningRate, loaded, data, folder, context);
                        return new TrainedArmOutcome(student.History, test);
                    }
                }
                previous?.Dispose();
                previous = student.Network;
            }
        }
        finally
        {
            previous?.Dispose();
        }

        (Sequential Network, TrainingHistory History) TrainStudent(Sequential currentTeacher, int round, string teacherName)
        {
            var roundLabel = options.Rounds > 1 ? $" (round {round} of {options.Rounds})" : "";
            using var probabilities = TeacherTargets.Probabilities(currentTeacher, unlabeled.Features, options.Temperature, context.Device);
            using (var scope = NewDisposeScope())
            {
                var confidence = probabilities.max(1).values.mean().item<float>();
                context.Logger.LogInformation("Distillation{Round}: {Teacher} labels {Count} unlabeled examples (temperature {Temperature}; mean top-class probability {Confidence:F3})",
                    roundLabel, teacherName, unlabeled.Count, options.Temperature, confidence);
            }
            using var examples = SoftLabeledExamples.Combine(labeled, unlabeled, probabilities);
            var network = studentSection is null ? NetworkSetup.Create(loaded, data, stack, fromScratch, context) : NetworkSetup.CreateStudent(studentSection, data, context);
            try
            {
                context.Logger.LogInformation("Training the student{Round} ({Start}) on {Count} examples ({Labeled} with labels, the rest with the teacher's probabilities) for up to {Epochs} epochs at learning rate {Rate}{Schedule}",
                    roundLabel, studentSection is null ? $"{arm} start" : $"distillation.student {SupervisedStage.Describe(studentSpec, data.Train.ClassCount)} from random weights",
                    examples.Count, labeled.Count, options.Epochs, learningRate,
                    studentOptions.Schedule == LearningRateSchedule.None ? "" : $" ({studentOptions.Schedule.ToString().ToLowerInvariant()} schedule)");
                // One checkpoint per arm and round (round 1 keeps the name it had before rounds), so a killed run resumes.
                var checkpoint = new EpochCheckpoint(folder.File(Path.Combine("checkpoints", $"distillation{suffix}{(round > 1 ? $"-round{round}" : "")}.safetensors")));
                var history = new CachingTrainer(studentOptions)
                    .Fit(network, examples, data.Validation, context, new CompositeCallback(progress, new MetricsFileCallback(folder)), checkpoint);
                if (options.Rounds > 1)
                    context.Logger.LogInformation("Distillation{Round}: the student's best validation accuracy {Accuracy:P2} (epoch {Epoch})", roundLabel,
                        history.Epochs.FirstOrDefault(e => e.Epoch == history.BestEpoch)?.ValidationAccuracy ?? double.NaN, history.BestEpoch);
                return (network, history);
            }
            catch
            {
                network.Dispose();
                throw;
            }
        }
    }
}
