using System.CommandLine;
using Pretrain.Pretraining;
using Pretrain.Pretraining.Runtime;
using Pretrain.Recipes.Pipeline;

namespace Pretrain.Host.Cli;

/// <summary>
/// <c>pretrain predict MODEL --data FILE</c>: applies a saved network (a run folder or its <c>network.json</c>) to a
/// data file or image folder, without the recipe or the training data, reading it a batch at a time with a progress bar
/// on a terminal, and writes the predictions and class probabilities as CSV (<see cref="NetworkPredictor"/>); prints the
/// accuracy when the data is labeled. A text model (a text run's <c>network.json</c>) reads documents instead
/// (<see cref="TextPredictor"/>: csv, tsv, jsonl, lines, records or folders) and writes the same columns.
/// </summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "A run folder holding network.json, the path of a saved network's .json manifest, or catalog:NAME (a network or a text model)." };
        var data = new Option<string>("--data") { Description = "The file to predict on, or a folder of images (one sub-folder per class, or the images directly inside); for a text model a file or folder of documents.", Required = true };
        var format = new Option<string?>("--format") { Description = $"The data file's format: {PredictionSource.Formats}; for a text model {PredictionSource.TextFormats} (default: from the extension; a folder is an image folder, or for a text model folders, lines or records by what it holds)." };
        var labelColumn = new Option<string?>("--label-column") { Description = "CSV/TSV: the label column, by header name or 0-based index; JSON Lines (text models): the label field; the accuracy is then printed." };
        var textColumn = new Option<string?>("--text-column") { Description = "Text models, CSV/TSV: the text column (header name or 0-based index; given alone, the file is read without labels); JSON Lines: the text field (default text)." };
        var labels = new Option<string?>("--labels") { Description = "npy/idx: the labels file; the accuracy is then printed." };
        var output = new Option<string>("--out") { Description = "Where to write the predictions CSV.", DefaultValueFactory = _ => "predictions.csv" };
        var device = new Option<string?>("--device") { Description = "auto | cpu | cuda | cuda:N (default auto: CUDA when available)." };
        var command = new Command("predict", "Predict the classes of a data file with a saved network; writes predicted, p_CLASS and label columns as CSV.")
        {
            model, data, format, labelColumn, textColumn, labels, output, device,
        };
        command.SetAction((parse, cancellation) =>
        {
            try
            {
                var name = parse.GetValue(model)!;
                var file = parse.GetValue(data)!;
                var text = TextPredictor.IsTextModel(name);
                Func<TorchSharp.torch.Device, ITrainingCallback?, PredictionSummary> predict = text
                    ? TextPrediction(name, file, parse.GetValue(format), parse.GetValue(labelColumn), parse.GetValue(textColumn), parse.GetValue(labels), parse.GetValue(output)!, cancellation)
                    : NetworkPrediction(name, file, parse.GetValue(format), parse.GetValue(labelColumn), parse.GetValue(textColumn), parse.GetValue(labels), parse.GetValue(output)!, cancellation);
                var on = RunContext.Create(DeviceSpec.Parse(parse.GetValue(device) ?? "auto"), seed: 0, cancellation: cancellation).Device;
                var progress = ConsoleProgress.CreateForThisTerminal();
                PredictionSummary Run(ITrainingCallback? callback) => predict(on, callback);
                var summary = progress is null ? Run(null) : progress.Show(Run);
                Console.Out.WriteLine($"Predicted {summary.Examples} {(text ? "documents" : "examples")} ({summary.Classes.Count} classes): {summary.OutputPath}");
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

    private static Func<TorchSharp.torch.Device, ITrainingCallback?, PredictionSummary> NetworkPrediction(string model, string file, string? format, string? labelColumn,
        string? textColumn, string? labels, string output, CancellationToken cancellation)
    {
        if (textColumn is not null)
            throw new PretrainException($"--text-column: applies to text models; {model} is a network that reads numeric features.");
        var source = PredictionSource.For(file, format, labelColumn, labels);
        return (on, callback) => NetworkPredictor.Predict(model, source, output, on, callback, cancellation: cancellation);
    }

    private static Func<TorchSharp.torch.Device, ITrainingCallback?, PredictionSummary> TextPrediction(string model, string file, string? format, string? labelColumn,
        string? textColumn, string? labels, string output, CancellationToken cancellation)
    {
        if (labels is not null)
            throw new PretrainException($"--labels: applies to npy and idx files; {model} is a text model, which reads documents with their labels in the same file ({PredictionSource.TextFormats}).");
        var source = PredictionSource.ForText(file, format, labelColumn, textColumn);
        return (on, callback) => TextPredictor.Predict(model, source, output, on, callback, cancellation: cancellation);
    }
}
