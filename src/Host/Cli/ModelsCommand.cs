using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Pretrain.FineTuning.Catalog;
using Pretrain.Pretraining;

namespace Pretrain.Host.Cli;

/// <summary><c>pretrain models list|show|add|rm</c>: the model catalog (<c>$PRETRAIN_MODELS</c> or <c>--catalog DIR</c>).</summary>
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
        var path = new Argument<string>("path") { Description = "A stack folder (stack.json), or a saved network: a run folder holding network.json or the manifest itself." };
        var task = new Option<string?>("--task") { Description = "What the model was trained for, shown by list." };
        var add = new Command("add", "Copy a pretrained stack or a saved network into the catalog (checked by loading the copy).") { name, path, task };
        var models = new Command("models", "The catalog of saved models that recipes, pretrain predict and the library can refer to as catalog:NAME.") { catalogOption, list, show, add, remove };

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
        add.SetAction(parse => Guard(() =>
        {
            var catalog = Catalog(parse);
            var source = parse.GetValue(path)!;
            var entry = new CatalogEntry { Name = parse.GetValue(name)!, Task = parse.GetValue(task), Created = DateTimeOffset.UtcNow };
            if (Directory.Exists(source) && File.Exists(Path.Combine(source, Pretraining.Stacks.StackStore.ManifestFileName)))
                catalog.AddStack(entry, source);
            else
                catalog.AddNetwork(entry, source);
            Console.Out.WriteLine($"Added {entry.Name} to {catalog.Root}.");
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
