using System.CommandLine;
using Pretrain.FineTuning.Export;
using Pretrain.Pretraining;

namespace Pretrain.Host.Cli;

/// <summary>
/// <c>pretrain export MODEL --format onnx|safetensors|npz [--out FILE]</c>: writes a saved network or text model
/// (resolved as <c>pretrain predict</c> resolves it) in a format other runtimes load (<see cref="NetworkExporter"/>,
/// docs/export.md).
/// </summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "A run folder holding network.json, the path of a saved network's .json manifest, or catalog:NAME (a network or a text model)." };
        var format = new Option<string>("--format") { Description = "onnx (raw inputs in, scaling and softmax in the graph; a text model takes token ids, its vocabulary in the metadata), safetensors or npz (the weights, PyTorch's names and layout).", Required = true };
        var output = new Option<string?>("--out") { Description = "The file to write (default: the model's name plus .onnx, .safetensors or .npz, here)." };
        var logitsOnly = new Option<bool>("--logits-only") { Description = "onnx: output the logits only, without the probabilities output." };
        var command = new Command("export", "Export a saved network or text model to ONNX, safetensors or npz.") { model, format, output, logitsOnly };
        command.SetAction(parse =>
        {
            try
            {
                var chosen = NetworkExporter.ParseFormat(parse.GetValue(format)!);
                var name = parse.GetValue(model)!;
                var path = NetworkExporter.Export(name, chosen, parse.GetValue(output) ?? NetworkExporter.DefaultOutput(name, chosen), probabilities: !parse.GetValue(logitsOnly));
                Console.Out.WriteLine($"Exported {name} as {chosen.ToString().ToLowerInvariant()}: {path}");
                return ExitCodes.Success;
            }
            catch (PretrainException e)
            {
                Console.Error.WriteLine(e.Message);
                return ExitCodes.InvalidInput;
            }
        });
        return command;
    }
}
