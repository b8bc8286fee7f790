using Microsoft.Extensions.Logging;
using Pretrain.FineTuning.Evaluation;
using Pretrain.Recipes.Reports;
using Pretrain.Pretraining.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.Recipes.Pipeline;

/// <summary>Evaluates a trained network once on the test set and writes its confusion matrix (log, CSV, PNG).</summary>
internal static class TestReport
{
    public static ClassificationReport Write(nn.Module<Tensor, Tensor> network, PreparedData data, RunFolder folder, RunContext context, string label, string stem)
    {
        var test = ClassificationEvaluator.Evaluate(network, data.Test!, context.Device);
        context.Logger.LogInformation("Test accuracy {Accuracy:P2} (loss {Loss:F4}) on {Count} examples, {How}; confusion matrix:{NewLine}{Matrix}",
            test.Accuracy, test.Loss, test.Count, label, Environment.NewLine, ConfusionMatrixReport.ToText(test));
        ConfusionMatrixReport.WriteCsv(folder.File($"{stem}.csv"), test);
        Pictures.TryDraw(context.Logger, "the confusion matrix",
            () => ConfusionMatrixReport.WritePng(folder.File($"{stem}.png"), test, $"Test confusion, {label} (accuracy {test.Accuracy:P2})"));
        return test;
    }
}
