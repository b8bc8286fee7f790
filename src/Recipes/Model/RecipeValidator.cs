using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Validation;

namespace Pretrain.Recipes.Model;

/// <summary>
/// Checks a recipe whose shape is already right. Each section's own values are checked by the options type it binds
/// to (<see cref="IValidatedOptions"/>), whose relative paths get the section's path in front, so library callers and
/// recipe users read the same messages; what is left here is the recipe's root fields, checks between sections, and
/// files and folders that must exist. Collects every problem rather than stopping at the first.
/// </summary>
internal static class RecipeValidator
{
    public static IEnumerable<RecipeProblem> Validate(LoadedRecipe loaded)
    {
        var recipe = loaded.Recipe;
        var problems = new List<RecipeProblem>();
        void Require(bool ok, string path, string message)
        {
            if (!ok)
                problems.Add(new(path, message));
        }
        void Collect(IValidatedOptions options, string path) =>
            problems.AddRange(options.Problems().Select(p => new RecipeProblem($"{path}.{p.Path}", p.Message)));

        Require(!string.IsNullOrWhiteSpace(recipe.Name) && recipe.Name.IndexOfAny(Path.GetInvalidFileNameChars()) < 0 && !recipe.Name.Contains('/', StringComparison.Ordinal),
            "name", $"expected a non-empty name usable as a folder name, received '{recipe.Name}'.");
        Require(DeviceSpec.TryParse(recipe.Device, out _), "device", $"expected {DeviceSpec.AllowedValues}, received '{recipe.Device}'.");
        Require(!string.IsNullOrWhiteSpace(recipe.Output), "output", "expected a folder path, received an empty string.");

        if (recipe.Text is { } text)
        {
            Require(recipe.Data is null && recipe.Pretraining is null, "text", "the text pipeline replaces data and pretraining: remove those sections.");
            Collect(text, "text");
            return problems;
        }
        if (recipe.Data is not { } data)
        {
            problems.Add(new("data", "required field is missing (or give a text section for the text pipeline instead)."));
            return problems;
        }
        Collect(data, "data");
        CheckSource(loaded, data.Train, "data.train", problems);
        if (data.Test is not null)
            CheckSource(loaded, data.Test, "data.test", problems);
        if (data.Unlabeled is not null)
        {
            CheckSource(loaded, data.Unlabeled, "data.unlabeled", problems);
            Require((recipe.Pretraining is { From: null } && (recipe.Pretraining.Layers.Count > 0 || recipe.Pretraining.Auxiliary is not null)) || recipe.Distillation is not null || recipe.Consistency is not null, "data.unlabeled",
                "only pretraining, consistency training and distillation read unlabeled examples: add a pretraining section with layers or an auxiliary task, a consistency or a distillation section, or remove data.unlabeled.");
        }

        var model = recipe.Model;
        Collect(model, "model");
        if (recipe.Pretraining is { } pretraining)
        {
            Require(pretraining.Layers.Count > 0 || pretraining.From is not null || pretraining.Auxiliary is not null, "pretraining.layers",
                "expected at least one layer (or pretraining.from, or pretraining.auxiliary), received none.");
            Require(pretraining.Auxiliary is null || (pretraining.Layers.Count == 0 && pretraining.From is null), "pretraining.auxiliary",
                "an auxiliary task trains the stack itself: give it without pretraining.layers and pretraining.from.");
            if (pretraining.Auxiliary is { } auxiliary)
                Collect(auxiliary, "pretraining.auxiliary");
            Require(pretraining.Layers.Count == 0 || pretraining.From is null, "pretraining.from", "give either layers to train or a saved stack to reuse, not both.");
            if (pretraining.From is { } from && FineTuning.Catalog.ModelCatalog.NameIn(from) is null && !Directory.Exists(loaded.Resolve(from)))
                problems.Add(new("pretraining.from", $"stack folder not found: {loaded.Resolve(from)} (use catalog:NAME for a catalog entry)."));
            var before = problems.Count;
            for (var i = 0; i < pretraining.Layers.Count; i++)
                Collect(pretraining.Layers[i], $"pretraining.layers[{i}]");
            // Only valid layers and a valid stated shape can be fitted; otherwise those problems are reported already.
            if (problems.Count == before && pretraining.Layers.Count > 0 && LayerFitCheck.StatedShape(data.Train) is { } shape
                && !problems.Any(p => p.Path is "data.train.shape" or "data.train.size" or "data.train.channels")
                && LayerFitCheck.Check(pretraining.Layers, shape) is { } misfit)
                problems.Add(misfit);
        }

        Require(model.Initialization == NetworkInitialization.Random || recipe.Pretraining is not null, "model.initialization",
            "'pretrained' needs a pretraining section in the same recipe.");
        Require(model.Initialization == NetworkInitialization.Random || recipe.Training is not null, "model.initialization",
            "'pretrained' fine-tunes the stack: add a training section.");
        Require(!recipe.Evaluation.CompareWithScratch || model.Initialization == NetworkInitialization.Pretrained, "evaluation.compareWithScratch",
            "compares a fine-tuned pretrained network with one from scratch: set model.initialization to 'pretrained'.");
        if (model.Restore is { } restore && !File.Exists(loaded.Resolve(restore.Path)))
            problems.Add(new("model.restore.path", $"file not found: {loaded.Resolve(restore.Path)}."));

        var training = recipe.Training ?? new();
        Collect(training, "training");
        Require(training.LearningRates is not { Count: > 1 } || data.ValidationFraction > 0, "training.learningRates",
            "choosing among several learning rates needs validation data: set data.validationFraction above 0.");
        Require(training.Patience is null || data.ValidationFraction > 0 || !recipe.RunsSupervisedTraining, "training.patience", "early stopping needs validation data: set data.validationFraction above 0.");
        Require(training.UnfreezeAfterEpochs is null || recipe.Model is { FreezeLayers: not 0 }, "training.unfreezeAfterEpochs",
            "unfreezes the layers model.freezeLayers freezes, but model.freezeLayers is 0: freeze the pretrained layers for the first epochs with it.");
        // Both steps after supervised training read the unlabeled examples and keep what validation prefers.
        void RequireUnlabeledStep(IValidatedOptions? section, string path, string what, string chosen)
        {
            if (section is null)
                return;
            Collect(section, path);
            Require(recipe.RunsSupervisedTraining, path, $"{what}: add a training section.");
            Require(data.ValidationFraction > 0, path, $"{chosen} by validation accuracy: set data.validationFraction above 0.");
            Require(data.LabelsPerClass is not null || data.Unlabeled is not null || recipe.Pretraining is not null, path,
                "reads the training examples without labels, but every training example is labeled and there is no data.unlabeled: set data.labelsPerClass or give data.unlabeled.");
        }
        RequireUnlabeledStep(recipe.Distillation, "distillation", "distils the supervised network into a student", "the student is chosen");
        RequireUnlabeledStep(recipe.Consistency, "consistency", "goes on training the supervised network with unlabeled images", "the pass to keep is chosen");
        Require(recipe.Pretraining is null || !recipe.Evaluation.LinearProbe || (data.Test is not null && data.ValidationFraction > 0),
            "evaluation.linearProbe", "the linear probe needs data.test and a validation split (data.validationFraction above 0); set it to false otherwise.");
        return problems;
    }

    private static void CheckSource(LoadedRecipe loaded, DataSourceSpec source, string path, List<RecipeProblem> problems)
    {
        void FileMustExist(string? file, string field)
        {
            if (file is null)
                return;
            var full = loaded.Resolve(file);
            if (!File.Exists(full))
                problems.Add(new($"{path}.{field}", $"file not found: {full}."));
        }

        if (source is IShapedSource { Shape: { } shape } && (shape.Count is < 1 or > 3 || shape.Any(d => d < 1)))
            problems.Add(new($"{path}.shape", $"expected [D], [H, W] or [C, H, W] with positive sizes, received [{string.Join(", ", shape)}]."));
        switch (source)
        {
            case IdxSourceSpec idx:
                FileMustExist(idx.Images, "images");
                FileMustExist(idx.Labels, "labels");
                break;
            case CsvSourceSpec csv:
                FileMustExist(csv.Path, "path");
                if (csv.Delimiter.Length != 1)
                    problems.Add(new($"{path}.delimiter", $"expected one character, received '{csv.Delimiter}'."));
                break;
            case NpySourceSpec npy:
                FileMustExist(npy.Features, "features");
                FileMustExist(npy.Labels, "labels");
                break;
            case NpzSourceSpec npz:
                FileMustExist(npz.Path, "path");
                break;
            case ImageFolderSourceSpec folder:
                if (!Directory.Exists(loaded.Resolve(folder.Directory)))
                    problems.Add(new($"{path}.directory", $"folder not found: {loaded.Resolve(folder.Directory)}."));
                if (folder.Channels is not (1 or 3))
                    problems.Add(new($"{path}.channels", $"expected 1 (grayscale) or 3 (RGB), received {folder.Channels}."));
                if (folder.Size.Count != 2 || folder.Size.Any(s => s < 1))
                    problems.Add(new($"{path}.size", $"expected [height, width] with two positive integers, received [{string.Join(", ", folder.Size)}]."));
                break;
            case ShardsSourceSpec shards:
                var shardFolder = loaded.Resolve(shards.Path);
                if (!Directory.Exists(shardFolder))
                    problems.Add(new($"{path}.path", $"folder not found: {shardFolder}."));
                else if (!Pretraining.Data.Shards.ShardSet.IsShardFolder(shardFolder))
                    problems.Add(new($"{path}.path", $"{shardFolder} holds no {Pretraining.Data.Shards.ShardManifest.FileName}: write a shard folder with 'pretrain data shard'."));
                break;
            case FashionMnistSourceSpec fashion when fashion.Directory is not null:
                if (!Directory.Exists(loaded.Resolve(fashion.Directory)))
                    problems.Add(new($"{path}.directory", $"folder not found: {loaded.Resolve(fashion.Directory)}."));
                break;
        }
    }
}
