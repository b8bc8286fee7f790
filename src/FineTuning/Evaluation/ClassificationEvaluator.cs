using Pretrain.Pretraining.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Evaluation;

/// <summary>Computes a <see cref="ClassificationReport"/> for a model on a labeled data set.</summary>
public static class ClassificationEvaluator
{
    /// <summary>
    /// Evaluates <paramref name="model"/> (in eval mode, without gradients) on <paramref name="data"/> (in memory or
    /// streamed from shards) in storage order, in batches of <paramref name="batchSize"/>; leaves the model in eval mode.
    /// </summary>
    public static ClassificationReport Evaluate(nn.Module<Tensor, Tensor> model, ILabeledInput data, Device device, int batchSize = 1024)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (!data.HasLabels)
            throw new ArgumentException($"{data.Source}: evaluation needs labels.", nameof(data));
        model.eval();
        return Evaluate(model.forward, data.LabeledBatches(batchSize, shuffle: null, device), data.Count, data.ClassCount, device);
    }

    /// <summary>
    /// Evaluates any classifier given as <paramref name="logitsOf"/> (inputs <c>[n, ...]</c> on <paramref name="device"/>
    /// to logits <c>[n, classes]</c>, called without gradients) on <paramref name="inputs"/> (any dtype, <c>[N, ...]</c>)
    /// and int64 <paramref name="labels"/> <c>[N]</c>, in batches of <paramref name="batchSize"/>.
    /// </summary>
    public static ClassificationReport Evaluate(Func<Tensor, Tensor> logitsOf, Tensor inputs, Tensor labels, int classes, Device device, int batchSize = 1024)
    {
        ArgumentNullException.ThrowIfNull(logitsOf);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        return Evaluate(logitsOf, LabeledSlices.Of(inputs, labels, batchSize, order: null, device), inputs.shape[0], classes, device);
    }

    /// <summary>The one evaluation loop: sums the loss and counts the confusion matrix over <paramref name="batches"/>.</summary>
    private static ClassificationReport Evaluate(Func<Tensor, Tensor> logitsOf, IEnumerable<(Tensor X, Tensor Y)> batches, long count, int classes, Device device)
    {
        using var outer = NewDisposeScope();
        using var _ = no_grad();
        var confusion = zeros(classes * classes, dtype: ScalarType.Int64, device: device);
        double lossSum = 0;
        foreach (var (x, y) in batches)
        {
            using var scope = NewDisposeScope();
            var logits = logitsOf(x);
            lossSum += nn.functional.cross_entropy(logits, y, reduction: nn.Reduction.Sum).item<float>();
            var predicted = logits.argmax(1);
            confusion.add_((y * classes + predicted).bincount(null, classes * classes));
        }

        var counts = confusion.cpu().data<long>().ToArray();
        var matrix = new long[classes, classes];
        long correct = 0;
        var perClass = new double[classes];
        for (var t = 0; t < classes; t++)
        {
            long row = 0;
            for (var p = 0; p < classes; p++)
            {
                matrix[t, p] = counts[t * classes + p];
                row += matrix[t, p];
            }
            correct += matrix[t, t];
            perClass[t] = row == 0 ? double.NaN : (double)matrix[t, t] / row;
        }
        return new ClassificationReport(lossSum / count, (double)correct / count, perClass, matrix);
    }
}
