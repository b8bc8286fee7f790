using Microsoft.Extensions.Logging;
using Pretrain.Recipes.Model;
using Pretrain.Pretraining.Data;
using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Data.Shards;

namespace Pretrain.Recipes.Pipeline;

/// <summary>
/// Loads a recipe's data and prepares it the way the semi-supervised protocol needs: hold out a validation split,
/// optionally keep N labels per class of the rest, fit the scaler on the training part only, move to the device.
/// </summary>
internal static class DataPreparation
{
    public static PreparedData Prepare(LoadedRecipe loaded, RunContext context)
    {
        var data = loaded.Recipe.Data ?? throw new InvalidOperationException("a recipe without a data section has no data to prepare");
        if (data.Train is ShardsSourceSpec shards && data.MemoryBudget is { } text)
        {
            var budget = MemoryBudget.Parse(text);
            var set = DataSourceLoader.OpenShards(shards, loaded.Resolve);
            if (set.Bytes > budget.Bytes / 2)
                return StreamedPreparation.Prepare(loaded, set, budget, context);
            context.Logger.LogInformation("The shards in {Folder} ({Size}) fit half the memory budget of {Budget}: loading them into memory",
                set.Folder, MemoryBudget.Format(set.Bytes), budget);
        }
        using var raw = DataSourceLoader.Load(data.Train, loaded, "data.train");
        context.Logger.LogInformation("Loaded {Count} training examples of shape [{Shape}] with {Classes} classes from {Source}",
            raw.Count, string.Join("x", raw.SampleShape), raw.ClassCount, raw.Source);

        Dataset pool;
        Dataset? validation = null;
        if (data.ValidationFraction > 0)
            (pool, validation) = DataSplits.ValidationSplit(raw, data.ValidationFraction, context.Seed);
        else
            pool = raw.Select(TorchSharp.torch.arange(raw.Count));

        // A test image folder's labels follow the training folder's classes, whichever of them it holds.
        using var test = data.Test is null ? null : DataSourceLoader.Load(data.Test, loaded, "data.test", DataSourceLoader.ClassNames(data.Train, loaded.Resolve));
        if (test is not null && test.FeatureCount != raw.FeatureCount)
            throw new Pretraining.DataException(test.Source, $"test examples have {test.FeatureCount} features but training examples have {raw.FeatureCount}.");

        // The scaler sees every training example outside the validation split (labels are not needed to fit it).
        var scaler = CreateScaler(data.Scaling, DataSourceLoader.IsPixels(data.Train, loaded.Resolve));
        scaler.Fit(pool);
        var unlabeled = loaded.Recipe.Pretraining is null && loaded.Recipe.Distillation is null && loaded.Recipe.Consistency is null ? null : PrepareUnlabeled(scaler, pool, validation, test, loaded, context);

        if (data.LabelsPerClass is int perClass)
        {
            var subset = DataSplits.LabeledSubset(pool, perClass, context.Seed);
            pool.Dispose();
            pool = subset;
            context.Logger.LogInformation("Kept {PerClass} labeled examples per class: {Count} in all", perClass, pool.Count);
        }

        try
        {
            return new PreparedData
            {
                Train = Place(scaler.Transform(pool), context),
                Unlabeled = unlabeled,
                Validation = validation is null ? null : Place(scaler.Transform(validation), context),
                Test = test is null ? null : Place(scaler.Transform(test), context),
                Scaler = scaler.State,
            };
        }
        finally
        {
            pool.Dispose();
            validation?.Dispose();
        }
    }

    /// <summary>
    /// What pretraining learns from, scaled and placed: <paramref name="pool"/>, and with <c>data.unlabeled</c> also
    /// those examples (<see cref="UnlabeledPool"/>). The caller keeps owning <paramref name="pool"/>.
    /// </summary>
    private static Dataset PrepareUnlabeled(FeatureScaler scaler, Dataset pool, Dataset? validation, Dataset? test, LoadedRecipe loaded, RunContext context)
    {
        if (loaded.Recipe.Data!.Unlabeled is not { } source)
            return Place(scaler.Transform(pool), context);
        using var extra = DataSourceLoader.Load(source, loaded, "data.unlabeled");
        var (combined, dropped) = UnlabeledPool.Combine(pool, extra, new[] { validation, test }.OfType<Dataset>(), "data.unlabeled");
        using (combined)
        {
            context.Logger.LogInformation("Unlabeled examples for pretraining or distillation: {Count}, {Pool} training examples and {Extra} of the {Read} from data.unlabeled ({Source}); {Dropped} dropped as copies of validation or test examples",
                combined.Count, pool.Count, extra.Count - dropped, extra.Count, extra.Source, dropped);
            return Place(scaler.Transform(combined), context);
        }
    }

    internal static FeatureScaler CreateScaler(ScalingKind kind, bool pixels) => kind switch
    {
        ScalingKind.None => FeatureScaler.Identity(),
        ScalingKind.Unit when pixels => new UnitRangeScaler(255f),
        ScalingKind.Unit => new UnitRangeScaler(),
        ScalingKind.Standardize => new Standardizer(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown scaling"),
    };

    internal static Dataset Place(Dataset data, RunContext context)
    {
        var placed = DevicePlacement.PlaceOnDevice(data, context.Device);
        if (!ReferenceEquals(placed, data))
            data.Dispose();
        return placed;
    }
}
