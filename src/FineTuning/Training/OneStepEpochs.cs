namespace Pretrain.FineTuning.Training;

/// <summary>
/// Early stopping counts epochs, so when the labeled examples fit in one batch every epoch is a single optimizer step:
/// a patience of 20 then gives up after 20 steps, and batch normalization's running statistics (moved once a step)
/// may still be far from the data's when validation reads them. With 10 labels per class on Fashion-MNIST (100
/// examples, batch 128, patience 20) a CNN from scratch tested 0.53 at one seed (validation 0.53 when it stopped) where batch 25
/// and patience 50 tested 0.77 (docs/results-images.md, "Ten labels per class"), so training says so at its start.
/// </summary>
public static class OneStepEpochs
{
    /// <summary>
    /// The warning for <paramref name="examples"/> labeled examples trained in batches of <paramref name="batchSize"/>
    /// with early stopping after <paramref name="patience"/> epochs, or null where an epoch is more than one batch or
    /// nothing stops early.
    /// </summary>
    public static string? WarningFor(long examples, int batchSize, int? patience) =>
        patience is int epochs && examples > 0 && examples <= batchSize
            ? $"the {examples} training examples fit in one batch of {batchSize}, so every epoch is a single optimizer step and early stopping (patience {epochs}) gives up after {epochs} steps without improvement; batch-norm running statistics, if any, also move only once a step. A batch size of about a quarter of the examples, or a larger patience, trains for longer."
            : null;
}
