using Microsoft.Extensions.Logging;
using Pretrain.FineTuning.Evaluation;
using Pretrain.FineTuning.Networks;
using Pretrain.FineTuning.Training;
using Pretrain.Host.Recipes;
using Pretrain.Pretraining.Runtime;
using TorchSharp;

namespace Pretrain.Host.Pipeline;

/// <summary>The supervised stage: trains the recipe's MLP on the labeled examples and evaluates it on the test set.</summary>
internal static class SupervisedStage
{
    public static (TrainingHistory History, ClassificationReport? Test) Run(Recipe recipe, PreparedData data, RunFolder folder, RunContext context, ITrainingCallback? progress)
    {
        var spec = new MlpSpec(data.Train.FeatureCount, recipe.Model.HiddenLayers, data.Train.ClassCount, recipe.Model.Activation, recipe.Model.Dropout);
        using var model = MlpBuilder.Build(spec);
        model.to(context.Device);
        context.Logger.LogInformation("Training an MLP {Layers} ({Activation}) on {Count} labeled examples",
            string.Join("-", new[] { spec.InputFeatures }.Concat(spec.HiddenLayers).Append(spec.ClassCount)), spec.Activation, data.Train.Count);

        var history = new SupervisedTrainer(recipe.Training ?? new()).Fit(model, data.Train, data.Validation, context, new CompositeCallback(progress, new MetricsFileCallback(folder)));
        ClassificationReport? test = null;
        if (data.Test is not null)
        {
            test = ClassificationEvaluator.Evaluate(model, data.Test, context.Device);
            context.Logger.LogInformation("Test accuracy {Accuracy:P2} (loss {Loss:F4}) on {Count} examples", test.Accuracy, test.Loss, test.Count);
        }
        return (history, test);
    }
}
