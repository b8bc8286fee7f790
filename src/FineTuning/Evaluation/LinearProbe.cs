using Microsoft.Extensions.Logging;
using Pretrain.FineTuning.Networks;
using Pretrain.FineTuning.Training;
using Pretrain.Pretraining.Data;
using Pretrain.Pretraining.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Evaluation;

/// <summary>
/// Measures how useful a fixed representation is: a softmax classifier (no hidden layer) trained on frozen features,
/// with early stopping on validation accuracy, evaluated once on the test set. Comparing it on pretrained features
/// against raw inputs is the standard check that pretraining learned something.
/// </summary>
public static class LinearProbe
{
    /// <summary>Default training for the probe: Adam 3e-3, batch 128, up to 300 epochs, patience 30.</summary>
    public static SupervisedTrainingOptions DefaultOptions { get; } = new()
    {
        Optimizer = OptimizerKind.Adam, LearningRate = 3e-3, BatchSize = 128, Epochs = 300, Patience = 30,
    };

    /// <summary>
    /// Trains a softmax classifier on <paramref name="featurize"/>(x) for the labeled <paramref name="train"/> examples
    /// and reports its accuracy on <paramref name="test"/>.
    /// </summary>
    /// <param name="name">What the features are, for the log (e.g. <c>raw pixels</c>).</param>
    /// <param name="featurize">Maps float32 [B, D] inputs to features [B, F] on the context's device, without gradients.</param>
    /// <param name="train">Labeled training examples.</param>
    /// <param name="validation">Labeled validation examples (early stopping).</param>
    /// <param name="test">Labeled test examples, used once.</param>
    /// <param name="context">Device, seed, logger.</param>
    /// <param name="options">Training settings; <see cref="DefaultOptions"/> when null.</param>
    public static ClassificationReport Evaluate(string name, Func<Tensor, Tensor> featurize, Dataset train, Dataset validation, Dataset test, RunContext context, SupervisedTrainingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(featurize);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(context);
        using var trainFeatures = Featurize(featurize, train, context);
        using var validationFeatures = Featurize(featurize, validation, context);
        using var testFeatures = Featurize(featurize, test, context);
        using var generator = context.CreateGenerator(RandomStream.ProbeInitialization, trainFeatures.FeatureCount);
        using var classifier = MlpBuilder.Build(new MlpSpec(trainFeatures.FeatureCount, [], train.ClassCount, ActivationKind.Relu), generator);
        classifier.to(context.Device);
        // Hundreds of short epochs: their per-epoch lines would drown the log, so only the summary below is logged.
        var history = new SupervisedTrainer(options ?? DefaultOptions).Fit(classifier, trainFeatures, validationFeatures, context.WithLogger(Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance));
        var report = ClassificationEvaluator.Evaluate(classifier, testFeatures, context.Device);
        context.Logger.LogInformation("Linear probe on {Features} ({Width} features, {Count} labels): test accuracy {Accuracy:P2} after {Epochs} epochs",
            name, trainFeatures.FeatureCount, train.Count, report.Accuracy, history.BestEpoch);
        return report;
    }

    private static Dataset Featurize(Func<Tensor, Tensor> featurize, Dataset data, RunContext context) =>
        data.WithFeatures(new ChunkedEncoder().Encode(data.Features, featurize, context.Device));
}
