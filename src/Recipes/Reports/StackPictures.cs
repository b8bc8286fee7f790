using Pretrain.Recipes.Pipeline;
using Pretrain.Pretraining.Data;
using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Stacks;
using static TorchSharp.torch;

namespace Pretrain.Recipes.Reports;

/// <summary>
/// The pictures people expect after pretraining, written into the run folder: one loss-curve chart per layer
/// (<c>layerK-loss.png</c>) and, for one-channel image inputs, the first layer's filters (<see cref="FirstLayerFilters"/>)
/// and, for dense layers, ten inputs above their reconstructions through layer 1 (<c>layer1-reconstructions.png</c>).
/// </summary>
internal static class StackPictures
{
    public static void Write(RunFolder folder, PretrainedStack stack, IReadOnlyList<LayerOptions> layers, HistoryCallback history, Dataset samples)
    {
        var index = 0;
        foreach (var stage in history.Stages)
            LossCurvePlot.Write(folder.File($"layer{++index}-loss.png"), stage, history.Of(stage));

        // Reconstructions only for dense first layers on one-channel images (none for convolutional layers yet).
        if (!FirstLayerFilters.TryWrite(folder, stack, samples.SampleShape) || stack.Layers[0].Convolution is not null)
            return;
        var image = SampleShapes.AsImage(samples.SampleShape)!;
        var (rows, cols) = (image[1], image[2]);

        using var scope = NewDisposeScope();
        var inputs = samples.Features.narrow(0, 0, Math.Min(10, samples.Count)).to(stack.Layers[0].Weight.device);
        var reconstructions = LayerReconstruction.Of(stack.Layers[0], layers[0], inputs);
        var both = cat([inputs, reconstructions], 0).cpu();
        // Each image stretched to its own range so standardized inputs draw as well as [0, 1] pixels.
        var low = both.amin([1], keepdim: true);
        var high = both.amax([1], keepdim: true);
        var pixels = ((both - low) / (high - low).clamp_min(1e-12f) * 255).to(ScalarType.Byte);
        FilterGrid.WriteTiles(folder.File("layer1-reconstructions.png"), pixels.data<byte>().ToArray(), (int)both.shape[0], (int)rows, (int)cols, scale: 3, perRow: (int)inputs.shape[0]);
    }
}
