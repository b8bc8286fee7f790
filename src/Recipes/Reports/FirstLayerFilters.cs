using Pretrain.Recipes.Pipeline;
using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Stacks;

namespace Pretrain.Recipes.Reports;

/// <summary>
/// <c>layer1-filters.png</c>: the first layer's filters of a stack over one-channel images, whoever trained it (greedy
/// layers or an auxiliary task). A dense layer's rows are drawn as images of the input's size; a convolutional layer's
/// kernels are small images themselves. Filters over colour planes are not one picture and are not drawn.
/// </summary>
internal static class FirstLayerFilters
{
    /// <summary>Writes the picture when the inputs are one-channel images; returns whether it did.</summary>
    public static bool TryWrite(RunFolder folder, PretrainedStack stack, IReadOnlyList<long> sampleShape)
    {
        if (stack.Layers.Count == 0 || SampleShapes.AsImage(sampleShape) is not [1, var rows, var cols])
            return false;
        var first = stack.Layers[0];
        if (first.Convolution is { } convolution)
        {
            if (first.InputShape[0] != 1)
                return false;
            using var kernels = first.Weight.flatten(1);
            FilterGrid.Write(folder.File("layer1-filters.png"), kernels, convolution.Kernel, convolution.Kernel, scale: 6);
            return true;
        }
        FilterGrid.Write(folder.File("layer1-filters.png"), first.Weight, (int)rows, (int)cols);
        return true;
    }
}
