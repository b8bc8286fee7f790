using Pretrain.Pretraining.Runtime;

namespace Pretrain.Recipes.Model;

/// <summary>
/// Checks the values of a recipe whose shape is already right: ranges, device spelling, files that must exist.
/// Collects every problem rather than stopping at the first.
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

        Require(!string.IsNullOrWhiteSpace(recipe.Name) && recipe.Name.IndexOfAny(Path.GetInvalidFileNameChars()) < 0 && !recipe.Name.Contains('/', StringComparison.Ordinal),
            "name", $"expected a non-empty name usable as a folder name, received '{recipe.Name}'.");
        Require(DeviceSpec.TryParse(recipe.Device, out _), "device", $"expected {DeviceSpec.AllowedValues}, received '{recipe.Device}'.");
        Require(!string.IsNullOrWhiteSpace(recipe.Output), "output", "expected a folder path, received an empty string.");

        if (recipe.Text is { } text)
        {
            problems.AddRange(TextValidator.Validate(text, recipe, loaded));
            return problems;
        }
        if (recipe.Data is not { } data)
        {
            problems.Add(new("data", "required field is missing (or give a text section for the text pipeline instead)."));
            return problems;
        }
        Require(data.ValidationFraction is >= 0 and < 1, "data.validationFraction", $"expected a number in [0, 1), received {data.ValidationFraction}.");
        Require(data.LabelsPerClass is null or > 0, "data.labelsPerClass", $"expected a positive integer, received {data.LabelsPerClass}.");
        CheckSource(loaded, data.Train, "data.train", problems);
        if (data.Test is not null)
            CheckSource(loaded, data.Test, "data.test", problems);

        var model = recipe.Model;
        for (var i = 0; i < model.HiddenLayers.Count; i++)
            Require(model.HiddenLayers[i] > 0, $"model.hiddenLayers[{i}]", $"expected a positive integer, received {model.HiddenLayers[i]}.");
        Require(model.Dropout is >= 0 and < 1, "model.dropout", $"expected a number in [0, 1), received {model.Dropout}.");

        if (recipe.Pretraining is { } pretraining)
        {
            Require(pretraining.Layers.Count > 0 || pretraining.From is not null || pretraining.Auxiliary is not null, "pretraining.layers",
                "expected at least one layer (or pretraining.from, or pretraining.auxiliary), received none.");
            Require(pretraining.Auxiliary is null || (pretraining.Layers.Count == 0 && pretraining.From is null), "pretraining.auxiliary",
                "an auxiliary task trains the stack itself: give it without pretraining.layers and pretraining.from.");
            if (pretraining.Auxiliary is { } auxiliary)
                problems.AddRange(AuxiliaryValidator.Validate(auxiliary, "pretraining.auxiliary"));
            Require(pretraining.Layers.Count == 0 || pretraining.From is null, "pretraining.from", "give either layers to train or a saved stack to reuse, not both.");
            if (pretraining.From is { } from && FineTuning.Catalog.ModelCatalog.NameIn(from) is null && !Directory.Exists(loaded.Resolve(from)))
                problems.Add(new("pretraining.from", $"stack folder not found: {loaded.Resolve(from)} (use catalog:NAME for a catalog entry)."));
            for (var i = 0; i < pretraining.Layers.Count; i++)
            {
                foreach (var problem in pretraining.Layers[i].Problems())
                    problems.Add(new($"pretraining.layers[{i}].{problem.Path}", problem.Message));
            }
        }

        Require(model.Initialization == NetworkInitialization.Random || recipe.Pretraining is not null, "model.initialization",
            "'pretrained' needs a pretraining section in the same recipe.");
        Require(model.Initialization == NetworkInitialization.Random || recipe.Training is not null, "model.initialization",
            "'pretrained' fine-tunes the stack: add a training section.");
        Require(!recipe.Evaluation.CompareWithScratch || model.Initialization == NetworkInitialization.Pretrained, "evaluation.compareWithScratch",
            "compares a fine-tuned pretrained network with one from scratch: set model.initialization to 'pretrained'.");
        if (model.Restore is { } restore)
        {
            if (!File.Exists(loaded.Resolve(restore.Path)))
                problems.Add(new("model.restore.path", $"file not found: {loaded.Resolve(restore.Path)}."));
            Require(restore.Mappings is null || restore.Layers == ".*", "model.restore.layers", "give either a layer pattern or name mappings, not both.");
            CheckPattern(restore.Layers, "model.restore.layers", problems);
            for (var i = 0; i < (restore.Mappings?.Count ?? 0); i++)
            {
                var mapping = restore.Mappings![i];
                Require(!string.IsNullOrEmpty(mapping.Source), $"model.restore.mappings[{i}].source", "expected a regular expression for the file's tensor names.");
                Require(!string.IsNullOrEmpty(mapping.Target), $"model.restore.mappings[{i}].target", "expected this network's parameter name (e.g. hidden$1.weight).");
                CheckPattern(mapping.Source ?? "", $"model.restore.mappings[{i}].source", problems);
            }
        }
        Require(!model.BatchNorm || model.Initialization == NetworkInitialization.Random, "model.batchNorm",
            "batch normalization is available for randomly initialized networks only; a pretrained stack has none.");
        Require(model.ReuseLayers is null or > 0, "model.reuseLayers", $"expected a positive integer or null, received {model.ReuseLayers}.");
        for (var i = 0; i < model.AddLayers.Count; i++)
            Require(model.AddLayers[i] > 0, $"model.addLayers[{i}]", $"expected a positive integer, received {model.AddLayers[i]}.");
        Require((model.ReuseLayers is null && model.AddLayers.Count == 0) || model.Initialization == NetworkInitialization.Pretrained, "model.reuseLayers",
            "reuseLayers and addLayers shape a network built from a pretrained stack: set model.initialization to 'pretrained'.");
        Require(model.ActivationAlpha is null or > 0, "model.activationAlpha", $"expected a positive number or null, received {model.ActivationAlpha}.");
        Require(model.InitializerGain > 0, "model.initializerGain", $"expected a positive number, received {model.InitializerGain}.");

        var training = recipe.Training ?? new();
        Require(training.Epochs > 0, "training.epochs", $"expected a positive integer, received {training.Epochs}.");
        Require(training.BatchSize > 0, "training.batchSize", $"expected a positive integer, received {training.BatchSize}.");
        Require(training.LearningRate > 0 && double.IsFinite(training.LearningRate), "training.learningRate", $"expected a positive number, received {training.LearningRate}.");
        Require(training.WeightDecay >= 0, "training.weightDecay", $"expected a number >= 0, received {training.WeightDecay}.");
        Require(training.Momentum is >= 0 and < 1, "training.momentum", $"expected a number in [0, 1), received {training.Momentum}.");
        Require(training.Patience is null or > 0, "training.patience", $"expected a positive integer or null, received {training.Patience}.");
        foreach (var (rate, i) in (training.LearningRates ?? []).Select((r, i) => (r, i)))
            Require(rate > 0 && double.IsFinite(rate), $"training.learningRates[{i}]", $"expected a positive number, received {rate}.");
        Require(training.LearningRates is not { Count: > 1 } || data.ValidationFraction > 0, "training.learningRates",
            "choosing among several learning rates needs validation data: set data.validationFraction above 0.");
        Require(training.ScheduleStepEpochs > 0, "training.scheduleStepEpochs", $"expected a positive integer, received {training.ScheduleStepEpochs}.");
        Require(training.ScheduleGamma is null or > 0 and <= 1, "training.scheduleGamma", $"expected a number in (0, 1] or null, received {training.ScheduleGamma}.");
        Require(training.L1 >= 0, "training.l1", $"expected a number >= 0, received {training.L1}.");
        Require(training.ClipGradientNorm is null or > 0, "training.clipGradientNorm", $"expected a positive number or null, received {training.ClipGradientNorm}.");
        Require(training.ClipGradientValue is null or > 0, "training.clipGradientValue", $"expected a positive number or null, received {training.ClipGradientValue}.");
        Require(training.MaxNorm is null or > 0, "training.maxNorm", $"expected a positive number or null, received {training.MaxNorm}.");
        Require(training.UnfreezeEveryEpochs is null or > 0, "training.unfreezeEveryEpochs", $"expected a positive integer or null, received {training.UnfreezeEveryEpochs}.");
        Require(training.LayerLearningRateFactor is > 0 and <= 1, "training.layerLearningRateFactor", $"expected a number in (0, 1], received {training.LayerLearningRateFactor}.");
        Require(training.Patience is null || data.ValidationFraction > 0 || !recipe.RunsSupervisedTraining, "training.patience", "early stopping needs validation data: set data.validationFraction above 0.");
        Require(recipe.Pretraining is null || !recipe.Evaluation.LinearProbe || (data.Test is not null && data.ValidationFraction > 0),
            "evaluation.linearProbe", "the linear probe needs data.test and a validation split (data.validationFraction above 0); set it to false otherwise.");
        return problems;
    }

    private static void CheckPattern(string pattern, string path, List<RecipeProblem> problems)
    {
        try
        {
            _ = new System.Text.RegularExpressions.Regex(pattern, System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException e)
        {
            problems.Add(new(path, $"not a valid regular expression: {e.Message}"));
        }
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
            case FashionMnistSourceSpec fashion when fashion.Directory is not null:
                if (!Directory.Exists(loaded.Resolve(fashion.Directory)))
                    problems.Add(new($"{path}.directory", $"folder not found: {loaded.Resolve(fashion.Directory)}."));
                break;
        }
    }
}
