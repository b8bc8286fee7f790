namespace Pretrain.Host.Pipeline;

/// <summary>What a finished run reports, written to <c>result.json</c> in its folder.</summary>
/// <param name="RunFolder">Where everything was written.</param>
/// <param name="TrainExamples">Labeled examples trained on.</param>
/// <param name="EpochsRun">Epochs actually run.</param>
/// <param name="BestEpoch">Epoch whose weights were kept.</param>
/// <param name="ValidationAccuracy">Best validation accuracy, or null without validation data.</param>
/// <param name="TestLoss">Mean cross-entropy on the test set, or null without one.</param>
/// <param name="TestAccuracy">Test accuracy, or null without a test set.</param>
/// <param name="PerClassTestAccuracy">Test recall per class, or null.</param>
/// <param name="Seconds">Wall-clock seconds of the whole run.</param>
public sealed record RunResult(
    string RunFolder, long TrainExamples, int EpochsRun, int BestEpoch, double? ValidationAccuracy,
    double? TestLoss, double? TestAccuracy, IReadOnlyList<double>? PerClassTestAccuracy, double Seconds);
