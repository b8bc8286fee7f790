using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Pretrain.FineTuning.Catalog;
using Pretrain.Pretraining;

namespace Pretrain.Host.Cli;

/// <summary><c>pretrain models list|show|rm</c>: the model catalog (<c>$PRETRAIN_MODELS</c> or <c>--catalog DIR</c>).</summary>
internal static class ModelsCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static Command Create()
    {
        var catalogOption = new Option<string?>("--catalog")
        {
            Description = "Catalog folder (default: $PRETRAIN_MODELS, else ~/.local/share/pretrain/models).",
            Recursive = true,
        };
        var name = new Argument<string>("name") { Description = "The model's catalog name." };
        var list = new Command("list", "List the saved models.");
        var show = new Command("show", "Show one model's metadata and files.") { name };
        var remove = new Command("rm", "Delete a model from the catalog.") { name };
        var models = new Command("models", "The catalog of saved models that recipes can refer to as catalog:NAME.") { catalogOption, list, show, remove };

        ModelCatalog Catalog(ParseResult parse) => parse.GetValue(catalogOption) is { } root ? new ModelCatalog(root) : ModelCatalog.Default();
        list.SetAction(parse => Guard(() =>
        {
            var catalog = Catalog(parse);
            var entries = catalog.List();
            Console.Out.WriteLine(entries.Count == 0 ? $"{catalog.Root}: no models yet." : $"{catalog.Root}:");
            foreach (var entry in entries)
                Console.Out.WriteLine($"  {entry.Name,-30} {entry.Kind,-6} {entry.Created.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}  {entry.Task}");
        }));
        show.SetAction(parse => Guard(() =>
        {
            var catalog = Catalog(parse);
            var entry = catalog.Get(parse.GetValue(name)!);
            Console.Out.WriteLine(JsonSerializer.Serialize(entry, Indented));
            foreach (var file in Directory.GetFiles(catalog.PathOf(entry.Name)).Order(StringComparer.Ordinal))
                Console.Out.WriteLine($"  {Path.GetFileName(file),-24} {new FileInfo(file).Length,12:N0} bytes");
        }));
        remove.SetAction(parse => Guard(() =>
        {
            var catalog = Catalog(parse);
            catalog.Remove(parse.GetValue(name)!);
            Console.Out.WriteLine($"Removed {parse.GetValue(name)} from {catalog.Root}.");
        }));
        return models;
    }

    private static int Guard(Action action)
    {
        try
        {
            action();
            return ExitCodes.Success;
        }
        catch (PretrainException e)
        {
            Console.Error.WriteLine(e.Message);
            return ExitCodes.InvalidInput;
        }
    }
}
