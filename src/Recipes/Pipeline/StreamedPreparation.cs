using Microsoft.Extensions.Logging;
using Pretrain.Pretraining;
using Pretrain.Pretraining.Data;
using Pretrain.Pretraining.Data.Shards;
using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Runtime;
using Pretrain.Recipes.Model;
using static TorchSharp.torch;

namespace Pretrain.Recipes.Pipeline;

/// <summary>
/// <see cref="DataPreparation"/> for a shards source larger than half the memory budget: the same seeded validation
/// split and labeled subset as in memory (drawn from the labels alone). Everything streamed goes through a window of a
/// quarter of the budget, scaled batch by batch with statistics fitted in one streamed pass: the unlabeled examples
/// always; the labeled training examples unless <c>data.labelsPerClass</c> picks a subset, which is read into memory;
/// the validation split and a shards test source only when they take more than a quarter of the budget.
/// </summary>
internal static class StreamedPreparation
{
    public static PreparedData Prepare(LoadedRecipe loaded, ShardSet set, MemoryBudget budget, RunContext context)
    {
        var recipe = loaded.Recipe;
        var data = recipe.Data!;
        context.Logger.LogInformation("Streaming the {Count} training examples in {Folder} ({Size}): more than half the memory budget of {Budget}",
            set.Count, set.Folder, MemoryBudget.Format(set.Bytes), budget);
        if (!set.Manifest.Labeled)
            throw new PretrainException($"data.train: the training data in {set.Folder} ({MemoryBudget.Format(set.Bytes)}) is streamed under the memory budget of {budget}, "
                + "and a streamed run needs labeled shards: write the labels into the shard folder (pretrain data shard), or raise data.memoryBudget.");

        var window = budget.Bytes / 4;
        var held = data.ValidationFraction > 0 ? (long)Math.Round(set.Count * data.ValidationFraction) : 0;
        if (data.ValidationFraction > 0 && (held <= 0 || held >= set.Count))
            throw new PretrainException($"{set.Folder}: a validation split of {held} needs between 1 and {set.Count - 1} examples.");
        var streamValidation = held * (set.RowBytes + sizeof(long)) > window;
        var testSet = data.Test is ShardsSourceSpec testShards ? DataSourceLoader.OpenShards(testShards, loaded.Resolve) : null;
        var streamTest = testSet is not null && testSet.Bytes > window;
        // The linear probe reads all three sets whole: refuse before the streamed pass rather than after pretraining.
        if (recipe.Pretraining is not null && recipe.Evaluation.LinearProbe
            && (data.LabelsPerClass is null || streamValidation || streamTest))
        {
            var streamed = data.LabelsPerClass is null ? set.Folder : streamValidation ? $"the validation split of {set.Folder}" : testSet!.Folder;
            throw new PretrainException($"evaluation.linearProbe: the linear probe reads its labeled examples in memory, but those of {streamed} are streamed under the memory budget of {budget}: "
                + "turn evaluation.linearProbe off or raise data.memoryBudget (data.labelsPerClass keeps the labeled training examples in memory).");
        }

        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)context.Seed);
        // The same draws as DataSplits.ValidationSplit and DataSplits.LabeledSubset make on the data in memory.
        var order = randperm(set.Count, generator: generator);
        var validationRows = order.narrow(0, 0, held);
        var poolRows = order.narrow(0, held, set.Count - held);
        var keep = ones(set.Count, ScalarType.Bool);
        keep.index_fill_(0, validationRows, false);

        var scaler = DataPreparation.CreateScaler(data.Scaling, set.Manifest.Pixels);
        using (var unscaled = new ShardedLayerInput(set, window, keep))
            scaler.Fit(unscaled);
        var owned = new List<object>();
        T Own<T>(T value) where T : class
        {
            owned.Add(value);
            return value;
        }
        try
        {
            var unlabeled = Own(new ShardedLayerInput(set, window, keep, scaler.Apply));
            ILabeledInput train;
            if (data.LabelsPerClass is int perClass)
            {
                var poolLabels = set.ReadLabels().index_select(0, poolRows);
                var chosen = DataSplits.LabeledSubsetRows(poolLabels, set.Manifest.ClassCount!.Value, perClass, context.Seed, set.Folder);
                using var rows = set.ReadRows(poolRows.index_select(0, tensor(chosen)));
                train = Own(DataPreparation.Place(scaler.Transform(rows), context));
                context.Logger.LogInformation("Kept {PerClass} labeled examples per class: {Count} in all, read into memory for fine-tuning", perClass, chosen.Length);
            }
            else
            {
                // The rows pretraining streams, labels and all: one reader serves both stages, which never overlap.
                var stream = unlabeled;
                train = stream;
                context.Logger.LogInformation("Fine-tuning streams its {Count} labeled examples from the {Shards} shards in {Folder} through a shuffling window of {Rows} rows ({Window}) under the memory budget of {Budget}: data.labelsPerClass is not set, so every example outside the validation split trains",
                    stream.Count, set.ShardCount, set.Folder, stream.WindowRows, MemoryBudget.Format(window), budget);
            }
            ILabeledInput? validation = null;
            if (held > 0)
                validation = Own(Validation(set, validationRows, streamValidation, window, scaler, context));
            ILabeledInput? test = null;
            if (data.Test is not null)
                test = Own(Test(loaded, set, testSet, streamTest, window, scaler, context));
            ILayerInput pretraining = unlabeled;
            if (data.Unlabeled is not null && recipe.Pretraining is not null)
                pretraining = Own(WithExtraUnlabeled(loaded, set, unlabeled, validationRows, testSet, window, scaler, context));
            return new PreparedData { Train = train, UnlabeledStream = pretraining, Validation = validation, Test = test, Scaler = scaler.State };
        }
        catch
        {
            foreach (var item in owned)
                (item as IDisposable)?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The streamed training examples and those of <c>data.unlabeled</c>, read into memory (at most a quarter of the
    /// budget), less exact copies of validation or test examples, scaled like the rest, and interleaved with the stream
    /// batch by batch (<see cref="InterleavedLayerInput"/>). The result owns both parts.
    /// </summary>
    private static InterleavedLayerInput WithExtraUnlabeled(LoadedRecipe loaded, ShardSet set, ShardedLayerInput stream, Tensor validationRows,
        ShardSet? testSet, long window, FeatureScaler scaler, RunContext context)
    {
        var data = loaded.Recipe.Data!;
        using var extra = DataSourceLoader.Load(data.Unlabeled!, loaded, "data.unlabeled");
        UnlabeledPool.CheckWidth(extra, set.Width, set.SampleShape, "data.unlabeled");
        var bytes = extra.Count * set.RowBytes;
        if (bytes > window)
            throw new PretrainException($"data.unlabeled: the {extra.Count} examples of {extra.Source} take {MemoryBudget.Format(bytes)}, more than a quarter of the memory budget "
                + $"({MemoryBudget.Format(window)}), and they are held in memory beside the streamed training data: write them into the shard folder with the training examples (pretrain data shard), or raise data.memoryBudget.");
        var held = UnlabeledPool.Fingerprints(HeldOutRows(loaded, set, validationRows, testSet, window));
        using var scope = NewDisposeScope();
        var (kept, dropped) = UnlabeledPool.WithoutCopies(extra, held);
        using var keptRows = new Dataset(kept, null, extra.SampleShape, extra.Source);
        var scaled = DataPreparation.Place(scaler.Transform(keptRows), context);
        var inMemory = new TensorLayerInput(scaled.Features.reshape([scaled.Count, .. set.SampleShape]).DetachFromDisposeScope());
        scaled.Dispose();
        context.Logger.LogInformation("Pretraining on {Count} examples: the {Streamed} streamed training examples interleaved batch by batch with {Extra} of the {Read} from data.unlabeled ({Source}), held in memory; {Dropped} dropped as copies of validation or test examples",
            stream.Count + inMemory.Count, stream.Count, inMemory.Count, extra.Count, extra.Source, dropped);
        return new InterleavedLayerInput([stream, inMemory], owned: [stream, inMemory]);
    }

    /// <summary>The validation split's and the test set's rows as read (before scaling), a batch at a time.</summary>
    private static IEnumerable<Tensor> HeldOutRows(LoadedRecipe loaded, ShardSet set, Tensor validationRows, ShardSet? testSet, long window)
    {
        var data = loaded.Recipe.Data!;
        if (validationRows.shape[0] > 0)
        {
            Tensor mask;
            using (var scope = NewDisposeScope())
                mask = zeros(set.Count, ScalarType.Bool).index_fill_(0, validationRows, true).DetachFromDisposeScope();
            using var validation = new ShardedLayerInput(set, window, mask);
            mask.Dispose();
            foreach (var (features, _) in validation.LabeledBatches(4096, null, CPU))
                yield return features;
        }
        if (testSet is not null)
        {
            using var test = new ShardedLayerInput(testSet, window);
            foreach (var (features, _) in test.LabeledBatches(4096, null, CPU))
                yield return features;
        }
        else if (data.Test is not null)
        {
            using var test = DataSourceLoader.Load(data.Test, loaded, "data.test", DataSourceLoader.ClassNames(data.Train, loaded.Resolve));
            yield return test.Features;
        }
    }

    /// <summary>The validation split: in memory when it takes at most a quarter of the budget, else streamed from the shards.</summary>
    private static ILabeledInput Validation(ShardSet set, Tensor rows, bool stream, long window, FeatureScaler scaler, RunContext context)
    {
        var size = MemoryBudget.Format(rows.shape[0] * (set.RowBytes + sizeof(long)));
        if (!stream)
        {
            context.Logger.LogInformation("The validation split ({Count} examples, {Size}) fits a quarter of the memory budget: reading it into memory", rows.shape[0], size);
            using var held = set.ReadRows(rows);
            return DataPreparation.Place(scaler.Transform(held), context);
        }
        context.Logger.LogInformation("The validation split ({Count} examples, {Size}) takes more than a quarter of the memory budget: evaluating it streamed from the shards", rows.shape[0], size);
        using var scope = NewDisposeScope();
        var mask = zeros(set.Count, ScalarType.Bool).index_fill_(0, rows, true);
        return new ShardedLayerInput(set, window, mask, scaler.Apply);
    }

    /// <summary>The test examples: streamed when they are shards larger than a quarter of the budget, else read into memory.</summary>
    private static ILabeledInput Test(LoadedRecipe loaded, ShardSet train, ShardSet? testSet, bool stream, long window, FeatureScaler scaler, RunContext context)
    {
        var data = loaded.Recipe.Data!;
        if (stream)
        {
            if (testSet!.Width != train.Width)
                throw new DataException(testSet.Folder, $"test examples have {testSet.Width} features but training examples have {train.Width}.");
            if (!testSet.Manifest.Labeled)
                throw new DataException(testSet.Folder, "test examples need labels; the shards have none.");
            context.Logger.LogInformation("The test examples in {Folder} ({Size}) take more than a quarter of the memory budget: evaluating them streamed", testSet.Folder, MemoryBudget.Format(testSet.Bytes));
            return new ShardedLayerInput(testSet, window, transform: scaler.Apply);
        }
        using var test = DataSourceLoader.Load(data.Test!, loaded, "data.test", DataSourceLoader.ClassNames(data.Train, loaded.Resolve));
        if (test.FeatureCount != train.Width)
            throw new DataException(test.Source, $"test examples have {test.FeatureCount} features but training examples have {train.Width}.");
        return DataPreparation.Place(scaler.Transform(test), context);
    }
}
