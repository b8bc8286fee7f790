using Pretrain.Pretraining.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Evaluation;

/// <summary>Computes a <see cref="ClassificationReport"/> for a model on a labeled data set.</summary>
public static class ClassificationEvaluator
{
    /// <summary>
    /// Evaluates <paramref name="model"/> (in eval mode, without gradients) on <paramref name="data"/> in batches of
    /// <paramref name="batchSize"/>; leaves the model in eval mode.
    /// </summary>
    public static ClassificationReport Evaluate(nn.Module<Tensor, Tensor> model, Dataset data, Device device, int batchSize = 1024)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Labels is null)
            throw new ArgumentException($"{data.Source}: evaluation needs labels.", nameof(data));
        var classes = data.ClassCount;
        model.eval();
        using var outer = NewDisposeScope();
        using var _ = no_grad();
        var confusion = zeros(classes * classes, dtype: ScalarType.Int64, device: device);
        double lossSum = 0;
        for (long start = 0; start < data.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var length = Math.Min(batchSize, data.Count - start);
            var x = data.Features.narrow(0, start, length).to(device);
            var y = data.Labels.narrow(0, start, length).to(device);
            var logits = model.forward(x);
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
        return new ClassificationReport(lossSum / data.Count, (double)correct / data.Count, perClass, matrix);
    }
}
