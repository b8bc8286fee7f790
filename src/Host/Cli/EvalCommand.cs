using System.CommandLine;
using Pretrain.FineTuning.Evaluation;
using Pretrain.FineTuning.Transfer;
using Pretrain.Host.Pipeline;
using Pretrain.Host.Recipes;
using Pretrain.Host.Reports;
using Pretrain.Pretraining;
using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Stacks;

namespace Pretrain.Host.Cli;

/// <summary>
/// <c>pretrain eval RUN_FOLDER</c>: evaluates a finished run's network (<c>network.safetensors</c>) on the test data of
/// its recipe, without training anything; prints loss, accuracy, per-class accuracy and the confusion matrix and
/// writes them to <c>RUN/eval.json</c>.
/// </summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var run = new Argument<string>("run") { Description = "A run folder holding recipe.json and network.safetensors." };
        var recipeOption = new Option<string?>("--recipe")
        {
            Description = "The recipe to take the data from, when it differs from the run's recipe.json or uses paths relative to the original recipe's folder.",
        };
        var set = CommonOptions.Set();
        var device = CommonOptions.Device();
        var command = new Command("eval", "Evaluate a run's trained network on its recipe's test data.") { run, recipeOption, set, device };
        command.SetAction((parse, cancellation) =>
        {
            try
            {
                return Task.FromResult(Execute(parse.GetValue(run)!, parse.GetValue(recipeOption), CommonOptions.Overrides(parse.GetValue(set), parse.GetValue(device), null).ToList(), cancellation));
            }
            catch (RecipeException e)
            {
                Console.Error.WriteLine(e.Message);
                return Task.FromResult(ExitCodes.InvalidInput);
            }
            catch (PretrainException e)
            {
                Console.Error.WriteLine(e.Message);
                return Task.FromResult(ExitCodes.InvalidInput);
            }
        });
        return command;
    }

    private static int Execute(string runPath, string? recipePath, List<string> overrides, CancellationToken cancellation)
    {
        var folder = RunFolder.Open(runPath);
        var weights = folder.File("network.safetensors");
        if (!File.Exists(weights))
            throw new PretrainException($"{runPath}: no network.safetensors (only runs with a supervised stage have a network to evaluate).");
        var loaded = RecipeLoader.Load(recipePath ?? folder.File("recipe.json"), overrides);
        if (loaded.Recipe.Data?.Test is null)
            throw new PretrainException($"{loaded.FilePath}: data.test is not set; there is no test set to evaluate on.");
        var context = RunContext.Create(DeviceSpec.Parse(loaded.Recipe.Device), loaded.Recipe.Seed, cancellation: cancellation);
        using var data = DataPreparation.Prepare(loaded, context);
        using var stack = LoadStack(loaded, folder, context);
        using var network = NetworkSetup.Create(loaded, data, stack, fromScratch: false, context);
        WeightTransfer.Import(network, weights, [NameMapping.Identity]);
        var report = ClassificationEvaluator.Evaluate(network, data.Test!, context.Device);
        folder.WriteJson("eval.json", new { report.Loss, report.Accuracy, report.PerClassAccuracy, Examples = data.Test!.Count });
        Console.Out.WriteLine($"Test accuracy {report.Accuracy:F4} (loss {report.Loss:F4}) on {data.Test!.Count} examples of {loaded.Recipe.Data!.Test}");
        Console.Out.WriteLine(ConfusionMatrixReport.ToText(report));
        return ExitCodes.Success;
    }

    private static PretrainedStack? LoadStack(LoadedRecipe loaded, RunFolder folder, RunContext context)
    {
        if (loaded.Recipe.Model.Initialization != NetworkInitialization.Pretrained)
            return null;
        var local = folder.File(PretrainingStage.StackFolderName);
        if (StackStore.Exists(local))
            return StackStore.Load(local, context.Device);
        var from = loaded.Recipe.Pretraining?.From ?? throw new PretrainException($"{folder.Path}: the network was built from a pretrained stack, but the run has no stack/ folder.");
        return StackStore.Load(FineTuning.Catalog.ModelCatalog.ResolveStack(from, loaded.Resolve), context.Device);
    }
}
