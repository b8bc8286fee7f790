using System.Text.Json;
using Microsoft.Extensions.Logging;
using Pretrain.FineTuning.Catalog;
using Pretrain.Recipes.Model;
using Pretrain.Pretraining;
using Pretrain.Recipes.Reports;
using Pretrain.Pretraining.Greedy;
using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Data;
using Pretrain.Pretraining.Stacks;

namespace Pretrain.Recipes.Pipeline;

/// <summary>
/// The greedy pretraining stage: trains the recipe's layers on the unlabeled examples, checkpointing the stack into
/// the run folder's <c>stack/</c> after every layer, then draws the pictures (loss curves, first-layer filters,
/// reconstructions).
/// </summary>
internal static class PretrainingStage
{
    public const string StackFolderName = "stack";

    public static PretrainedStack Run(PretrainingSection section, LoadedRecipe loaded, PreparedData data, RunFolder folder, RunContext context, ITrainingCallback? progress)
    {
        var stack = section switch
        {
            { From: { } from } => Reuse(from, loaded, data, context),
            { Auxiliary: { } auxiliary } => AuxiliaryStage.Run(auxiliary, data, folder, context, progress),
            _ => Train(section, loaded, data, folder, context, progress),
        };
        if (section.SaveAs is { } name)
        {
            var catalog = ModelCatalog.Default();
            var source = section.From is null ? folder.File(StackFolderName) : ResolveFrom(section.From, loaded);
            catalog.AddStack(new CatalogEntry
            {
                Name = name, Task = $"{(section.Auxiliary is null ? "unsupervised" : "auxiliary-task")} pretraining, {stack.InputFeatures}-{string.Join("-", stack.Layers.Select(l => l.OutputSize))} ({string.Join(", ", stack.Layers.Select(l => l.Kind).Distinct())})",
                Data = loaded.Recipe.Data?.Train.ToString(), Run = folder.Path, Created = DateTimeOffset.UtcNow,
                Parent = section.From is null ? null : ModelCatalog.NameIn(section.From),
            }, source);
            context.Logger.LogInformation("Saved the stack to the model catalog as {Name} ({Root})", name, catalog.Root);
        }
        return stack;
    }

    private static string ResolveFrom(string from, LoadedRecipe loaded) => ModelCatalog.ResolveStack(from, loaded.Resolve);

    private static PretrainedStack Reuse(string from, LoadedRecipe loaded, PreparedData data, RunContext context)
    {
        var path = ResolveFrom(from, loaded);
        var stack = StackStore.Load(path, context.Device);
        if (stack.InputFeatures != data.Train.FeatureCount)
        {
            stack.Dispose();
            throw new PretrainException($"pretraining.from: the stack in {path} takes {stack.InputFeatures} inputs but the data has {data.Train.FeatureCount} features.");
        }
        context.Logger.LogInformation("Reusing the pretrained stack {Path} ({Count} layers): nothing is retrained", path, stack.Layers.Count);
        return stack;
    }

    private static PretrainedStack Train(PretrainingSection section, LoadedRecipe loaded, PreparedData data, RunFolder folder, RunContext context, ITrainingCallback? progress)
    {
        var plans = section.Layers
            .Select(options => new LayerPlan(options.CreateTrainer(), JsonSerializer.SerializeToElement(options, RecipeLoader.SerializerOptions)))
            .ToList();
        var budget = loaded.Recipe.Data?.MemoryBudget is { } text ? MemoryBudget.Parse(text) : (MemoryBudget?)null;
        var greedy = new GreedyPretrainer(plans)
        {
            CacheFrozenOutputs = section.CacheFrozenOutputs, Path = "pretraining.layers",
            Cache = new FrozenOutputCache { MemoryBudget = budget, SpillFolder = folder.File("frozen-cache") },
        };
        using var owned = data.Unlabeled is { } inMemory ? new TensorLayerInput(inMemory.Features, owns: false) : null;
        var train = data.UnlabeledStream ?? owned ?? throw new InvalidOperationException("pretraining needs the unlabeled examples prepared");
        // The validation split in memory, or streamed from the shards when it does not fit the budget (then it is a layer input itself).
        using var heldValidation = data.Validation is Dataset held ? new TensorLayerInput(held.Features, owns: false) : null;
        var validation = heldValidation ?? data.Validation as ILayerInput;
        var history = new HistoryCallback();
        var normalization = JsonSerializer.SerializeToElement(data.Scaler, RecipeLoader.SerializerOptions);
        context.Logger.LogInformation("Pretraining {Count} layers greedily on {Examples} unlabeled examples{Streamed}", plans.Count, train.Count,
            data.UnlabeledStream is null ? "" : " streamed from shards");

        var stack = greedy.Run(train, validation, data.Train.SampleShape, normalization, context, folder.File(StackFolderName),
            new CompositeCallback(progress, history, new MetricsFileCallback(folder)));
        Pictures.TryDraw(context.Logger, "the pretraining pictures",
            () => StackPictures.Write(folder, stack, section.Layers, history, data.Train.SampleShape, validation ?? train));
        return stack;
    }
}
