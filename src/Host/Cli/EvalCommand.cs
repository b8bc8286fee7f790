using System.CommandLine;
using Pretrain.Recipes.Pipeline;
using Pretrain.Recipes.Model;
using Pretrain.Recipes.Reports;
using Pretrain.Pretraining;

namespace Pretrain.Host.Cli;

/// <summary>
/// <c>pretrain eval RUN_FOLDER</c>: evaluates a finished run's saved network (<c>network.json</c> and its weights; a
/// text run's saved text model) on the test data of its recipe, without training anything; prints loss, accuracy,
/// per-class accuracy and the confusion matrix and writes them to <c>RUN/eval.json</c>.
/// </summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var run = new Argument<string>("run") { Description = "A run folder holding recipe.json and its saved network (network.json and network.safetensors; a text run's text model too)." };
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
        var evaluation = RunEvaluator.Evaluate(runPath, recipePath, overrides, cancellation);
        var report = evaluation.Report;
        Console.Out.WriteLine($"Test accuracy {report.Accuracy:F4} (loss {report.Loss:F4}) on {evaluation.Examples} examples of {evaluation.Description}");
        Console.Out.WriteLine(ConfusionMatrixReport.ToText(report));
        return ExitCodes.Success;
    }
}
