namespace Pretrain.Recipes.Pipeline;

/// <summary>What a finished run reports, written to <c>result.json</c> in its folder.</summary>
/// <param name="RunFolder">Where everything was written.</param>
/// <param name="Seconds">Wall-clock seconds of the whole run.</param>
public sealed record RunResult(string RunFolder, double Seconds)
{
    /// <summary>The pretrained stack's folder, when the recipe pretrained one.</summary>
    public string? StackFolder { get; init; }

    /// <summary>The linear-probe comparison, when run.</summary>
    public ProbeResult? Probe { get; init; }

    /// <summary>Labeled examples the supervised network trained on.</summary>
    public long? TrainExamples { get; init; }

    /// <summary>Supervised epochs actually run.</summary>
    public int? EpochsRun { get; init; }

    /// <summary>Supervised epoch whose weights were kept.</summary>
    public int? BestEpoch { get; init; }

    /// <summary>Best validation accuracy of the supervised network.</summary>
    public double? ValidationAccuracy { get; init; }

    /// <summary>Mean cross-entropy of the supervised network on the test set.</summary>
    public double? TestLoss { get; init; }

    /// <summary>Test accuracy of the supervised network.</summary>
    public double? TestAccuracy { get; init; }

    /// <summary>Test accuracy of the same architecture trained from random weights, when compared.</summary>
    public double? ScratchTestAccuracy { get; init; }

    /// <summary>Test accuracy of the supervised network after consistency training (recipe section <c>consistency</c>).</summary>
    public double? ConsistencyTestAccuracy { get; init; }

    /// <summary>Test accuracy of the network from random weights after consistency training, when compared.</summary>
    public double? ScratchConsistencyTestAccuracy { get; init; }

    /// <summary>
    /// True when no consistency pass beat the supervised network on validation, so the network was kept as supervised
    /// training left it (and <see cref="ConsistencyTestAccuracy"/> is its accuracy); null without consistency training.
    /// </summary>
    public bool? ConsistencyKeptStart { get; init; }

    /// <summary>The same as <see cref="ConsistencyKeptStart"/> for the network from random weights, when compared.</summary>
    public bool? ScratchConsistencyKeptStart { get; init; }

    /// <summary>Test accuracy of the student distilled from the supervised network (recipe section <c>distillation</c>).</summary>
    public double? DistilledTestAccuracy { get; init; }

    /// <summary>Test accuracy of the student distilled from the network trained from random weights, when compared.</summary>
    public double? ScratchDistilledTestAccuracy { get; init; }

    /// <summary>The learning rate the supervised network trained with (chosen by validation accuracy from a grid, if given).</summary>
    public double? LearningRate { get; init; }

    /// <summary>The learning rate chosen for the network from scratch, when compared.</summary>
    public double? ScratchLearningRate { get; init; }

    /// <summary>Test recall per class of the supervised network.</summary>
    public IReadOnlyList<double>? PerClassTestAccuracy { get; init; }

    /// <summary>The auxiliary task's held-out score (accuracy or correct-ranking rate), when one was trained.</summary>
    public double? AuxiliaryScore { get; init; }

    /// <summary>Text pipeline: test accuracy of the bag-of-words baseline (TF-IDF + softmax regression) on the same labelled documents.</summary>
    public double? BagOfWordsTestAccuracy { get; init; }

    /// <summary>Text pipeline with <c>text.labelBudgets</c>: the three arms' test accuracies at each number of labels per category.</summary>
    public IReadOnlyList<LabelBudgetResult>? LabelBudgets { get; init; }
}

/// <summary>Test accuracies of the text pipeline's arms with <paramref name="LabelsPerClass"/> labelled documents per category.</summary>
/// <param name="LabelsPerClass">Labelled training documents per category.</param>
/// <param name="Pretrained">The classifier starting from the pretrained encoder.</param>
/// <param name="Scratch">The same classifier from random weights.</param>
/// <param name="BagOfWords">TF-IDF + softmax regression.</param>
public sealed record LabelBudgetResult(int LabelsPerClass, double Pretrained, double Scratch, double BagOfWords)
{
}
