using System.CommandLine;
using Pretrain.Pretraining;
using Pretrain.Pretraining.Runtime;
using Pretrain.Recipes.Pipeline;

namespace Pretrain.Host.Cli;

/// <summary>
/// <c>pretrain predict MODEL --data FILE</c>: applies a saved network (a run folder or its <c>network.json</c>) to a
/// data file, without the recipe or the training data, reading it a batch at a time with a progress bar on a terminal,
/// and writes the predictions and class probabilities as CSV (<see cref="NetworkPredictor"/>); prints the accuracy when
/// the file is labeled.
/// </summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "A run folder holding network.json, the path of a saved network's .json manifest, or catalog:NAME." };
        var data = new Option<string>("--data") { Description = "The file to predict on.", Required = true };
        var format = new Option<string?>("--format") { Description = $"The data file's format: {PredictionSource.Formats} (default: from the extension)." };
        var labelColumn = new Option<string?>("--label-column") { Description = "CSV/TSV: the label column, by header name or 0-based index; the accuracy is then printed." };
        var labels = new Option<string?>("--labels") { Description = "npy/idx: the labels file; the accuracy is then printed." };
        var output = new Option<string>("--out") { Description = "Where to write the predictions CSV.", DefaultValueFactory = _ => "predictions.csv" };
        var device = new Option<string?>("--device") { Description = "auto | cpu | cuda | cuda:N (default auto: CUDA when available)." };
        var command = new Command("predict", "Predict the classes of a data file with a saved network; writes predicted, p_CLASS and label columns as CSV.")
        {
            model, data, format, labelColumn, labels, output, device,
        };
        command.SetAction((parse, cancellation) =>
        {
            try
            {
                var source = PredictionSource.For(parse.GetValue(data)!, parse.GetValue(format), parse.GetValue(labelColumn), parse.GetValue(labels));
                var on = RunContext.Create(DeviceSpec.Parse(parse.GetValue(device) ?? "auto"), seed: 0, cancellation: cancellation).Device;
                var progress = ConsoleProgress.CreateForThisTerminal();
                PredictionSummary Run(ITrainingCallback? callback) =>
                    NetworkPredictor.Predict(parse.GetValue(model)!, source, parse.GetValue(output)!, on, callback, cancellation: cancellation);
                var summary = progress is null ? Run(null) : progress.Show(Run);
                Console.Out.WriteLine($"Predicted {summary.Examples} examples ({summary.Classes.Count} classes): {summary.OutputPath}");
                if (summary.Accuracy is double accuracy)
                    Console.Out.WriteLine($"Accuracy: {accuracy:F4} on the file's labels.");
                return Task.FromResult(ExitCodes.Success);
            }
            catch (PretrainException e)
            {
                Console.Error.WriteLine(e.Message);
                return Task.FromResult(ExitCodes.InvalidInput);
            }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine("Prediction interrupted; no file was written.");
                return Task.FromResult(ExitCodes.Failure);
            }
        });
        return command;
    }
}
