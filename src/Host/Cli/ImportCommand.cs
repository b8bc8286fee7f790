using System.CommandLine;
using Pretrain.FineTuning.Catalog;
using Pretrain.FineTuning.Networks;
using Pretrain.FineTuning.Transfer;
using Pretrain.Pretraining;

namespace Pretrain.Host.Cli;

/// <summary>
/// <c>pretrain import FILE --map RULES --as NAME</c>: turns a safetensors or npz file from another framework into a
/// saved network in the model catalog (<see cref="NetworkImporter"/>, docs/export.md), printing what happened to each
/// tensor (matched, skipped, mismatched, missing).
/// </summary>
internal static class ImportCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "A .safetensors or .npz file of dense-layer (and convolution) weights." };
        var map = new Option<string[]>("--map")
        {
            Description = "A name rule SOURCE=TARGET (regular expression = replacement, e.g. 'fc(\\d+)\\.(.*)=hidden$1.$2'), or a JSON file of mappings as in model.restore.mappings. Repeatable; the first rule that matches a name wins.",
            Required = true,
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var name = new Option<string>("--as") { Description = "The catalog name to save the network under.", Required = true };
        var layout = new Option<WeightLayout>("--layout") { Description = "How the inline rules' 2-D weights are stored: outIn (PyTorch) or inOut (Keras, x @ W); default outIn.", DefaultValueFactory = _ => WeightLayout.OutIn };
        var activation = new Option<ActivationKind>("--activation") { Description = "The hidden layers' nonlinearity (not stored in weight files); default relu.", DefaultValueFactory = _ => ActivationKind.Relu };
        var alpha = new Option<double?>("--activation-alpha") { Description = "Leaky ReLU slope or ELU alpha, when not the default." };
        var classes = new Option<string?>("--classes") { Description = "Comma-separated class names, in logit order (default 0..C-1)." };
        var shape = new Option<string?>("--input-shape") { Description = "Comma-separated shape of one raw example, e.g. 28,28 (default [D]); for a CNN the image C,H,W, e.g. 1,28,28." };
        var conv = new Option<string[]>("--conv")
        {
            Description = "A CNN's convolutional block: stride=S,padding=P,pool=K (any of them; default stride 1, padding 0, no pooling). Repeat once per block, lowest first, or leave out for the defaults everywhere.",
            AllowMultipleArgumentsPerToken = false,
        };
        var catalogOption = new Option<string?>("--catalog") { Description = "Catalog folder (default: $PRETRAIN_MODELS, else ~/.local/share/pretrain/models)." };
        var command = new Command("import", "Import dense or convolutional network weights from another framework (safetensors or npz) into the model catalog as a saved network.")
        {
            file, map, name, layout, activation, alpha, classes, shape, conv, catalogOption,
        };
        command.SetAction(parse =>
        {
            try
            {
                var catalog = parse.GetValue(catalogOption) is { } root ? new ModelCatalog(root) : ModelCatalog.Default();
                var options = new ImportOptions
                {
                    Activation = parse.GetValue(activation),
                    ActivationAlpha = parse.GetValue(alpha),
                    Classes = parse.GetValue(classes)?.Split(',', StringSplitOptions.TrimEntries),
                    InputShape = parse.GetValue(shape) is { } s ? ParseShape(s) : null,
                    Convolutions = (parse.GetValue(conv) ?? []).Select(ImportedConvolution.Parse).ToArray(),
                };
                var mappings = NameMappingRules.Parse(parse.GetValue(map) ?? [], parse.GetValue(layout));
                var report = NetworkImporter.Import(parse.GetValue(file)!, mappings, catalog, parse.GetValue(name)!, options);
                Console.Out.WriteLine(report.ToString());
                Console.Out.WriteLine($"Added {parse.GetValue(name)} to {catalog.Root}; use it as catalog:{parse.GetValue(name)}.");
                return ExitCodes.Success;
            }
            catch (ImportException e)
            {
                Console.Out.WriteLine(e.Report.ToString());
                Console.Error.WriteLine(e.Message);
                return ExitCodes.InvalidInput;
            }
            catch (PretrainException e)
            {
                Console.Error.WriteLine(e.Message);
                return ExitCodes.InvalidInput;
            }
        });
        return command;
    }

    private static long[] ParseShape(string text) =>
        text.Split(',', StringSplitOptions.TrimEntries).Select(part =>
            long.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var size) && size > 0
                ? size
                : throw new PretrainException($"--input-shape: expected comma-separated positive integers, received '{text}'.")).ToArray();
}
