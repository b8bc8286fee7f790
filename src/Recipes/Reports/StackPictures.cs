using Pretrain.Recipes.Pipeline;
using Pretrain.Pretraining.Data;
using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Stacks;
using static TorchSharp.torch;

namespace Pretrain.Recipes.Reports;

/// <summary>
/// The pictures people expect after pretraining, written into the run folder: one loss-curve chart per layer
/// (<c>layerK-loss.png</c>) and, for image inputs, the first layer's filters (<c>layer1-filters.png</c>; the kernels of
/// a convolutional layer on one-channel images) and, for dense layers, ten inputs above their reconstructions through
/// layer 1 (<c>layer1-reconstructions.png</c>).
/// </summary>
internal static class StackPictures
{
    public static void Write(RunFolder folder, PretrainedStack stack, IReadOnlyList<LayerOptions> layers, HistoryCallback history, Dataset samples)
    {
        var index = 0;
        foreach (var stage in history.Stages)
            LossCurvePlot.Write(folder.File($"layer{++index}-loss.png"), stage, history.Of(stage));

        // One-channel images only ([H, W] or [1, H, W]): a filter over colour planes is not one picture.
        if (stack.Layers.Count == 0 || SampleShapes.AsImage(samples.SampleShape) is not [1, var rows, var cols])
            return;
        if (stack.Layers[0].Convolution is { } convolution)
        {
            // One-channel kernels are small images themselves; no reconstruction picture for convolutional layers yet.
            if (stack.Layers[0].InputShape[0] != 1)
                return;
            using var kernels = stack.Layers[0].Weight.flatten(1);
            FilterGrid.Write(folder.File("layer1-filters.png"), kernels, convolution.Kernel, convolution.Kernel, scale: 6);
            return;
        }
        FilterGrid.Write(folder.File("layer1-filters.png"), stack.Layers[0].Weight, (int)rows, (int)cols);

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
