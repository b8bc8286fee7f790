using Microsoft.Extensions.Logging;
using Pretrain.Pretraining;
using Pretrain.Pretraining.Data;
using Pretrain.Pretraining.Data.Shards;
using Pretrain.Pretraining.Runtime;
using Pretrain.Recipes.Model;
using static TorchSharp.torch;

namespace Pretrain.Recipes.Pipeline;

/// <summary>
/// <see cref="DataPreparation"/> for a shards source larger than half the memory budget: the same seeded validation
/// split and labeled subset as in memory (drawn from the labels alone), with only those rows read into memory; the
/// unlabeled examples are streamed from the shards through a window of a quarter of the budget, scaled batch by batch
/// with statistics fitted in one streamed pass.
/// </summary>
internal static class StreamedPreparation
{
    public static PreparedData Prepare(LoadedRecipe loaded, ShardSet set, MemoryBudget budget, RunContext context)
    {
        var data = loaded.Recipe.Data!;
        context.Logger.LogInformation("Streaming the {Count} training examples in {Folder} ({Size}): more than half the memory budget of {Budget}",
            set.Count, set.Folder, MemoryBudget.Format(set.Bytes), budget);
        if (data.Unlabeled is not null)
            throw new PretrainException($"data.unlabeled: the training data in {set.Folder} is streamed under the memory budget of {budget}, and streamed pretraining reads the shards alone: "
                + "write the extra unlabeled examples into the shard folder (pretrain data shard), or raise data.memoryBudget.");
        if (data.LabelsPerClass is not int perClass || !set.Manifest.Labeled)
            throw new PretrainException($"data.labelsPerClass: the training data in {set.Folder} ({MemoryBudget.Format(set.Bytes)}) is streamed under the memory budget of {budget}, "
                + "and fine-tuning and the linear probe read their labeled examples in memory: set labelsPerClass (on labeled shards), or raise data.memoryBudget.");

        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)context.Seed);
        // The same draws as DataSplits.ValidationSplit and DataSplits.LabeledSubset make on the data in memory.
        var order = randperm(set.Count, generator: generator);
        var held = data.ValidationFraction > 0 ? (long)Math.Round(set.Count * data.ValidationFraction) : 0;
        if (data.ValidationFraction > 0 && (held <= 0 || held >= set.Count))
            throw new PretrainException($"{set.Folder}: a validation split of {held} needs between 1 and {set.Count - 1} examples.");
        var validationRows = order.narrow(0, 0, held);
        var poolRows = order.narrow(0, held, set.Count - held);
        var keep = ones(set.Count, ScalarType.Bool);
        keep.index_fill_(0, validationRows, false);
        var poolLabels = set.ReadLabels().index_select(0, poolRows);
        var chosen = DataSplits.LabeledSubsetRows(poolLabels, set.Manifest.ClassCount!.Value, perClass, context.Seed, set.Folder);
        var trainRows = poolRows.index_select(0, tensor(chosen));
        context.Logger.LogInformation("Kept {PerClass} labeled examples per class: {Count} in all", perClass, chosen.Length);

        var scaler = DataPreparation.CreateScaler(data.Scaling, set.Manifest.Pixels);
        using (var unscaled = new ShardedLayerInput(set, budget.Bytes / 4, keep))
            scaler.Fit(unscaled);
        var unlabeled = new ShardedLayerInput(set, budget.Bytes / 4, keep, scaler.Apply);
        try
        {
            using var train = set.ReadRows(trainRows);
            using var validation = held > 0 ? set.ReadRows(validationRows) : null;
            using var test = data.Test is null ? null : DataSourceLoader.Load(data.Test, loaded, "data.test", DataSourceLoader.ClassNames(data.Train, loaded.Resolve));
            if (test is not null && test.FeatureCount != set.Width)
                throw new DataException(test.Source, $"test examples have {test.FeatureCount} features but training examples have {set.Width}.");
            return new PreparedData
            {
                Train = DataPreparation.Place(scaler.Transform(train), context),
                UnlabeledStream = unlabeled,
                Validation = validation is null ? null : DataPreparation.Place(scaler.Transform(validation), context),
                Test = test is null ? null : DataPreparation.Place(scaler.Transform(test), context),
                Scaler = scaler.State,
            };
        }
        catch
        {
            unlabeled.Dispose();
            throw;
        }
    }
}
