using Pretrain.Recipes.Pipeline;
using Pretrain.Pretraining.Data;
using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Stacks;
using static TorchSharp.torch;

namespace Pretrain.Recipes.Reports;

/// <summary>
/// The pictures people expect after pretraining, written into the run folder: one loss-curve chart per layer
/// (<c>layerK-loss.png</c>) and, for one-channel image inputs, the first layer's filters (<see cref="FirstLayerFilters"/>)
/// and ten inputs above their reconstructions through layer 1 (<c>layer1-reconstructions.png</c>).
/// </summary>
internal static class StackPictures
{
    /// <summary>
    /// Writes the pictures; the reconstructions show the first ten of <paramref name="samples"/> in storage order
    /// (examples of <paramref name="sampleShape"/>, in memory or streamed).
    /// </summary>
    public static void Write(RunFolder folder, PretrainedStack stack, IReadOnlyList<LayerOptions> layers, HistoryCallback history, IReadOnlyList<long> sampleShape,
        ILayerInput samples)
    {
        var index = 0;
        foreach (var stage in history.Stages)
            LossCurvePlot.Write(folder.File($"layer{++index}-loss.png"), stage, history.Of(stage));

        // Reconstructions of one-channel images, drawn where the filters are.
        if (!FirstLayerFilters.TryWrite(folder, stack, sampleShape))
            return;
        var image = SampleShapes.AsImage(sampleShape)!;
        var (rows, cols) = (image[1], image[2]);

        foreach (var batch in samples.Batches(10, shuffle: null, stack.Layers[0].Weight.device))
        {
            using var scope = NewDisposeScope();
            var inputs = batch.reshape(batch.shape[0], -1);
            var reconstructions = LayerReconstruction.Of(stack.Layers[0], layers[0], inputs);
            var both = cat([inputs, reconstructions], 0).cpu();
            // Each image stretched to its own range so standardized inputs draw as well as [0, 1] pixels.
            var low = both.amin([1], keepdim: true);
            var high = both.amax([1], keepdim: true);
            var pixels = ((both - low) / (high - low).clamp_min(1e-12f) * 255).to(ScalarType.Byte);
            FilterGrid.WriteTiles(folder.File("layer1-reconstructions.png"), pixels.data<byte>().ToArray(), (int)both.shape[0], (int)rows, (int)cols, scale: 3, perRow: (int)inputs.shape[0]);
            break;
        }
    }
}
