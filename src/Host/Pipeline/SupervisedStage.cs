using Microsoft.Extensions.Logging;
using Pretrain.FineTuning.Caching;
using Pretrain.FineTuning.Evaluation;
using Pretrain.FineTuning.Freezing;
using Pretrain.FineTuning.Networks;
using Pretrain.FineTuning.Training;
using Pretrain.FineTuning.Transfer;
using Pretrain.Host.Recipes;
using Pretrain.Host.Reports;
using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Stacks;
using TorchSharp;
using TorchSharp.Modules;

namespace Pretrain.Host.Pipeline;

/// <summary>
/// The supervised stage: trains the recipe's network on the labeled examples (from random weights, or fine-tuning the
/// pretrained stack plus a new head) and evaluates it once on the test set.
/// </summary>
internal static class SupervisedStage
{
    public static (TrainingHistory History, ClassificationReport? Test) Run(LoadedRecipe loaded, PreparedData data, PretrainedStack? stack, bool fromScratch,
        RunFolder folder, RunContext context, ITrainingCallback? progress)
    {
        var recipe = loaded.Recipe;
        var model = recipe.Model;
        using var network = Build(model, data, stack, fromScratch, context);
        network.to(context.Device);
        if (model.Restore is { } restore && !fromScratch)
        {
            var mappings = restore.Mappings ?? [new NameMapping($"({restore.Layers})\\.(weight|bias)", "$1.$2")];
            var restored = WeightTransfer.Import(network, loaded.Resolve(restore.Path), mappings);
            context.Logger.LogInformation("Restored {Tensors} from {Path}", string.Join(", ", restored), restore.Path);
        }
        if (model.FreezeLayers != 0)
        {
            var frozen = Freezer.FreezeTo(LayerGroups.Of(network), model.FreezeLayers);
            context.Logger.LogInformation("Frozen layers: {Layers}", string.Join(", ", frozen));
        }
        var label = stack is not null && !fromScratch ? "fine-tuning the pretrained stack" : "from random weights";
        context.Logger.LogInformation("Training an MLP {Layers} {How} on {Count} labeled examples",
            string.Join("-", network.children().OfType<Linear>().Select(l => l.weight!.shape[1]).Append(data.Train.ClassCount)), label, data.Train.Count);

        var history = new CachingTrainer(recipe.Training ?? new()).Fit(network, data.Train, data.Validation, context, new CompositeCallback(progress, new MetricsFileCallback(folder)));
        // The trained weights, in PyTorch's [out, in] layout, for reuse here (model.restore) or in other frameworks.
        WeightTransfer.Export(network, folder.File(fromScratch ? "network-scratch.safetensors" : "network.safetensors"));
        ClassificationReport? test = null;
        if (data.Test is not null)
        {
            test = ClassificationEvaluator.Evaluate(network, data.Test, context.Device);
            context.Logger.LogInformation("Test accuracy {Accuracy:P2} (loss {Loss:F4}) on {Count} examples, {How}; confusion matrix:{NewLine}{Matrix}",
                test.Accuracy, test.Loss, test.Count, label, Environment.NewLine, ConfusionMatrixReport.ToText(test));
            var stem = fromScratch ? "confusion-scratch" : "confusion";
            ConfusionMatrixReport.WriteCsv(folder.File($"{stem}.csv"), test);
            try
            {
                ConfusionMatrixReport.WritePng(folder.File($"{stem}.png"), test, $"Test confusion, {label} (accuracy {test.Accuracy:P2})");
            }
#pragma warning disable CA1031 // A picture that cannot be drawn must not fail a finished training run.
            catch (Exception e)
#pragma warning restore CA1031
            {
                context.Logger.LogWarning(e, "Could not draw the confusion matrix");
            }
        }
        return (history, test);
    }

    private static Sequential Build(ModelSection model, PreparedData data, PretrainedStack? stack, bool fromScratch, RunContext context)
    {
        if (stack is not null && !fromScratch)
            return StackNetwork.Build(stack, data.Train.ClassCount, model.Dropout, model.ReuseLayers, model.AddLayers);
        var spec = stack is not null
            ? StackNetwork.SpecFor(stack, data.Train.ClassCount, model.Dropout, model.ReuseLayers, model.AddLayers)
            : new MlpSpec(data.Train.FeatureCount, model.HiddenLayers, data.Train.ClassCount, model.Activation, model.Dropout)
            {
                BatchNorm = model.BatchNorm, ActivationAlpha = model.ActivationAlpha,
            };
        var network = MlpBuilder.Build(spec);
        using var generator = context.CreateGenerator(stream: 3);
        Initializers.Apply(network, model.Initializer, generator, model.InitializerGain);
        return network;
    }
}
