using Microsoft.Extensions.Logging;
using Pretrain.Auxiliary.Corruptions;
using Pretrain.Auxiliary.Encoders;
using Pretrain.Auxiliary.Tasks;
using Pretrain.Auxiliary.Text;
using Pretrain.FineTuning.Evaluation;
using Pretrain.Pretraining.Data;
using Pretrain.Recipes.Model;
using Pretrain.Recipes.Reports;
using Pretrain.Pretraining.IO;
using Pretrain.Pretraining.Runtime;
using static TorchSharp.torch;

namespace Pretrain.Recipes.Pipeline;

/// <summary>
/// The text pipeline: reads a categorized corpus, builds the vocabulary, pretrains a window encoder on the auxiliary
/// language task (is the centre word real or replaced), prints nearest neighbours in the embedding, then classifies
/// documents by category with few labels starting from the pretrained encoder and, for comparison, from scratch.
/// Writes <c>vocabulary.json</c> and <c>encoder.safetensors</c> (the pretrained encoder) into the run folder, and the
/// classifier trained from the pretrained encoder with <c>text.labelsPerClass</c> labels as a self-contained text model
/// (<c>network.json</c>, <c>network.safetensors</c>, <c>network.vocabulary.json</c>; docs/saved-network.md) that
/// <c>pretrain predict</c>, <c>eval</c>, <c>export</c> and <c>PretrainedModel.Load</c> use.
/// </summary>
internal static class TextStage
{
    /// <summary>The saved text model's weights in the run folder; its manifest is <c>network.json</c> beside them.</summary>
    public const string ModelWeightsFile = "network.safetensors";

    public static RunResult Run(TextSection text, LoadedRecipe loaded, RunFolder folder, RunContext context, ITrainingCallback? progress, RunResult result)
    {
        var log = context.Logger;
        var tokenizer = new WordTokenizer(text.Lowercase);
        var (documents, split) = ReadCorpus(text, loaded, tokenizer, context.Seed);
        log.LogInformation("Read {Documents} documents ({Words} words) from {Folder}; the auxiliary task sees {Unlabeled} of them, the test set holds {Test} of the {Categories} labelled categories",
            documents.Count, documents.Sum(d => d.Words.Count), text.CorpusPath, split.Unlabeled.Count, split.Test.Count, text.Categories.Count);

        if (text.Unlabeled.Count > 0)
            split = WithUnlabeledText(split, text, loaded, tokenizer, log);
        var vocabulary = Vocabulary.Build(split.Unlabeled.Select(d => d.Words), text.VocabularySize, text.MinCount, text.Lowercase);
        vocabulary.Save(folder.File("vocabulary.json"));
        log.LogInformation("Vocabulary: {Count} tokens (words seen at least {MinCount} times, capped at {Cap}); {Unknown} word occurrences map to <unk>",
            vocabulary.Count, text.MinCount, text.VocabularySize, vocabulary.Counts[Vocabulary.UnknownId]);

        var spec = new EncoderSpec
        {
            Inputs = text.Window, VocabularySize = vocabulary.Count, EmbeddingSize = text.EmbeddingSize,
            HiddenLayers = text.HiddenLayers, Activation = text.Activation,
        };
        using var encoderGenerator = context.CreateGenerator(RandomStream.TextEncoder);
        using var encoder = new AuxiliaryEncoder(spec, context.Device, encoderGenerator);
        var before = EmbeddingReport.NeighboursOf(text.Neighbours, vocabulary, encoder.Embedding!);
        using var wordWeights = text.Classifier.WordWeights == WordWeighting.Frequency ? WordWeights.Frequency(vocabulary).to(context.Device) : null;
        var score = Pretrain(text, vocabulary, split, encoder, wordWeights, folder, context, progress);
        SafeTensorsFile.Write(folder.File("encoder.safetensors"), encoder.State);
        EmbeddingReport.Write(folder, text.Neighbours, vocabulary, encoder.Embedding!, before, context);

        var budgets = Classify(text, vocabulary, split, encoder, wordWeights, folder, context);
        var main = budgets.Single(b => b.Labels == text.LabelsPerClass);
        log.LogInformation("Document classification with {Labels} labels per category: test accuracy {Pretrained:P2} from the pretrained encoder, {Scratch:P2} from scratch, {BagOfWords:P2} for the bag-of-words baseline",
            text.LabelsPerClass, main.Pretrained.Test, main.Scratch.Test, main.BagOfWords);
        if (text.LabelBudgets.Count > 0)
            LabelBudgetReport.Write(folder, budgets.Select(b => b.ToResult()).ToList(), context);
        return result with
        {
            AuxiliaryScore = score, TrainExamples = main.TrainExamples, ValidationAccuracy = main.Pretrained.Validation, BestEpoch = main.Pretrained.BestEpoch,
            EpochsRun = main.Pretrained.EpochsRun, TestAccuracy = main.Pretrained.Test, ScratchTestAccuracy = main.Scratch.Test,
            BagOfWordsTestAccuracy = main.BagOfWords,
            LabelBudgets = text.LabelBudgets.Count > 0 ? budgets.Select(b => b.ToResult()).ToList() : null,
        };
    }

    /// <summary>
    /// Reads the corpus <paramref name="text"/> names and splits it as the run does (the same seed gives the same test
    /// documents): what <c>pretrain eval</c> reads to test a text run's saved model again.
    /// </summary>
    internal static (IReadOnlyList<LabeledDocument> Documents, TextDocumentSplit Split) ReadCorpus(TextSection text, LoadedRecipe loaded, WordTokenizer tokenizer, int seed)
    {
        var corpus = loaded.Resolve(text.CorpusPath);
        if (text.Format == TextCorpusFormat.Records && !Directory.Exists(corpus))
            throw new Pretraining.PretrainException($"text.{text.CorpusPathField}: {corpus} not found (the fortune files come with the Debian packages fortunes-min and fortunes: apt-get install fortunes).");
        var documents = TextCorpus.Load(corpus, text.CorpusOptions, tokenizer, text.MinWords);
        // With label budgets, the labelled training documents reach the largest budget; validation documents come after them.
        var labelled = Math.Max(text.LabelsPerClass, text.LabelBudgets.DefaultIfEmpty(0).Max());
        return (documents, TextDocumentSplit.Make(documents, text.Categories, text.TestFraction, labelled, text.ValidationPerClass, seed));
    }

    /// <summary>Adds <c>text.unlabeled</c> to the auxiliary task's documents, leaving out lines identical to a test document.</summary>
    private static TextDocumentSplit WithUnlabeledText(TextDocumentSplit split, TextSection text, LoadedRecipe loaded, WordTokenizer tokenizer, ILogger log)
    {
        var extra = UnlabeledText.Load(text.Unlabeled.Select(loaded.Resolve), tokenizer, text.MinWords);
        var tested = split.Test.Select(d => string.Join(' ', d.Words)).ToHashSet(StringComparer.Ordinal);
        var kept = extra.Documents.Where(d => !tested.Contains(string.Join(' ', d))).Select(d => new LabeledDocument(d, "")).ToList();
        log.LogInformation("Unlabeled text: {Documents} documents ({Words} words) from {Files} files of {Paths}; {Skipped} files skipped as not UTF-8 text, {Dropped} lines dropped as copies of test documents",
            kept.Count, kept.Sum(d => d.Words.Count), extra.Files, string.Join(", ", text.Unlabeled), extra.SkippedFiles, extra.Documents.Count - kept.Count);
        return split with { Unlabeled = [.. split.Unlabeled, .. kept] };
    }

    /// <summary>Trains every auxiliary task of the recipe in turn on <paramref name="encoder"/>; returns the last one's held-out score.</summary>
    private static double? Pretrain(TextSection text, Vocabulary vocabulary, TextDocumentSplit split, AuxiliaryEncoder encoder, Tensor? wordWeights,
        RunFolder folder, RunContext context, ITrainingCallback? progress)
    {
        var history = new HistoryCallback();
        var encoded = split.Unlabeled.Select(d => (IReadOnlyList<int>)vocabulary.Encode(d.Words)).ToList();
        double? score = null;
        for (var i = 0; i < text.AuxiliaryTasks.Count; i++)
            score = Pretrain(text, text.AuxiliaryTasks[i].Task, i, vocabulary, encoded, encoder, wordWeights, folder, context, new CompositeCallback(progress, history));
        Pictures.TryDraw(context.Logger, "the auxiliary loss curve", () => LossCurvePlot.WriteAuxiliary(folder, history));
        return score;
    }

    /// <summary>Trains one auxiliary task on <paramref name="encoded"/>, the auxiliary documents as token ids.</summary>
    private static double? Pretrain(TextSection text, TextAuxiliarySection section, int index, Vocabulary vocabulary, IReadOnlyList<IReadOnlyList<int>> encoded,
        AuxiliaryEncoder encoder, Tensor? wordWeights, RunFolder folder, RunContext context, ITrainingCallback progress)
    {
        using var headGenerator = context.CreateGenerator(RandomStream.TextHead, index);
        IAuxiliaryTask task;
        Tensor instances;
        string description;
        if (section.Task == AuxiliaryTaskKind.SameDifferent)
        {
            // Whole documents, cut as the classifier cuts them and read as it reads them.
            var corruption = new WordDropout(section.WordDropout, Vocabulary.PaddingId, section.DisjointViews);
            var pooling = text.Classifier.Pooling;
            instances = TextWindows.Padded(encoded, text.MaxWords).to(context.Device);
            task = new SameDifferentTask(corruption, DocumentPooler.Width(encoder, pooling), section.PairLoss, section.Margin, context.Device, headGenerator,
                section.Contrastive, (e, documents) => DocumentPooler.Pool(e, documents, pooling, wordWeights));
            description = $"{corruption.Describe()}, {section.PairLoss} loss, on {instances.shape[0]} documents of up to {text.MaxWords} words pooled as {pooling}{(wordWeights is null ? "" : ", words weighted by frequency")}";
        }
        else
        {
            var corruption = new TokenReplacement(vocabulary.Count, sampling: section.Sampling, unigramCounts: vocabulary.Counts,
                paddingToken: Vocabulary.PaddingId, firstRegularToken: Vocabulary.FirstWordId, centreOnly: true);
            instances = TextWindows.Centred(encoded, text.Window).to(context.Device);
            task = section.Task == AuxiliaryTaskKind.CorruptedVsGood
                ? new CorruptedVersusGoodTask(corruption, encoder.Spec.OutputSize, context.Device, headGenerator)
                : new PairwiseRankingTask(corruption, encoder.Spec.OutputSize, section.Margin, context.Device, headGenerator);
            description = $"{corruption.Describe()}, on {instances.shape[0]} windows of {text.Window} words";
        }
        using var data = instances;
        using var _ = task;
        context.Logger.LogInformation("Auxiliary language task: {Task}, {Description}", task.Name, description);
        var trainer = new AuxiliaryTrainer(section);
        var epochs = trainer.Fit(task, encoder, data, null, context, new CompositeCallback(progress, new MetricsFileCallback(folder)));
        return epochs[^1].HeldOutScore;
    }

    /// <summary>One classifier's outcome.</summary>
    private sealed record Arm(double Test, double Validation, int BestEpoch, int EpochsRun);

    /// <summary>The three arms at one label budget.</summary>
    private sealed record Budget(int Labels, long TrainExamples, Arm Pretrained, Arm Scratch, double BagOfWords)
    {
        public LabelBudgetResult ToResult() => new(Labels, Pretrained.Test, Scratch.Test, BagOfWords);
    }

    /// <summary>
    /// Trains and tests the pretrained, scratch and bag-of-words classifiers at <c>labelsPerClass</c> and at every label
    /// budget, on the same validation and test documents.
    /// </summary>
    private static List<Budget> Classify(TextSection text, Vocabulary vocabulary, TextDocumentSplit split, AuxiliaryEncoder pretrained, Tensor? wordWeights,
        RunFolder folder, RunContext context)
    {
        var categories = text.Categories.ToList();
        (Tensor Documents, Tensor Labels) Tensors(IReadOnlyList<LabeledDocument> docs) =>
            (TextWindows.Padded(docs.Select(d => (IReadOnlyList<int>)vocabulary.Encode(d.Words)).ToList(), text.MaxWords).to(context.Device),
             tensor(docs.Select(d => (long)categories.IndexOf(d.Category)).ToArray()).to(context.Device));
        var (validX, validY) = Tensors(split.Validation);
        var (testX, testY) = Tensors(split.Test);
        using var disposables = new DisposableTensors(validX, validY, testX, testY);
        var trainer = new DocumentClassifierTrainer(text.Classifier);

        Arm TrainAndTest(AuxiliaryEncoder start, Tensor trainX, Tensor trainY, string arm, bool save = false)
        {
            using var headGenerator = context.CreateGenerator(RandomStream.TextClassifierHead);
            using var model = new DocumentClassifier(start, categories.Count, context.Device, headGenerator, text.Classifier.Pooling, wordWeights);
            var (validation, best, run) = trainer.Fit(model, trainX, trainY, validX, validY, context);
            var test = DocumentClassifierTrainer.Accuracy(model, testX, testY);
            context.Logger.LogInformation("Document classifier {Arm} with {Count} labelled documents: validation accuracy {Validation:P2} at epoch {Best} of {Run}, test accuracy {Test:P2} on {Tested} documents",
                arm, trainX.shape[0], validation, best, run, test, testX.shape[0]);
            if (save)
            {
                // The weights the test accuracy was measured with (the trainer restored the best epoch's).
                var manifest = SavedTextClassifierWriter.Save(model, vocabulary, text.MaxWords, categories, folder.File(ModelWeightsFile));
                context.Logger.LogInformation("Saved the text model (classifier {Arm}) to {Manifest}", arm, manifest);
            }
            return new Arm(test, validation, best, run);
        }

        double BagOfWords(IReadOnlyList<LabeledDocument> train)
        {
            var features = TfIdfFeatures.Fit(vocabulary, train.Select(d => d.Words).ToList());
            Dataset Set(IReadOnlyList<LabeledDocument> docs, string role) => new(features.Transform(docs.Select(d => d.Words).ToList()),
                tensor(docs.Select(d => (long)categories.IndexOf(d.Category)).ToArray()), [features.Width], role, categories.Count);
            using var trainSet = Set(train, "bag-of-words training");
            using var validationSet = Set(split.Validation, "bag-of-words validation");
            using var testSet = Set(split.Test, "bag-of-words test");
            return LinearProbe.Evaluate("bag of words (TF-IDF)", x => x, trainSet, validationSet, testSet, context).Accuracy;
        }

        var results = new List<Budget>();
        foreach (var labels in text.LabelBudgets.Append(text.LabelsPerClass).Distinct().Order())
        {
            var train = split.TrainingBudget(labels);
            var (trainX, trainY) = Tensors(train);
            using var trainTensors = new DisposableTensors(trainX, trainY);
            var withPretraining = TrainAndTest(pretrained.Clone(), trainX, trainY, "from the pretrained encoder", save: labels == text.LabelsPerClass);
            using var scratchGenerator = context.CreateGenerator(RandomStream.TextScratch);
            var fromScratch = TrainAndTest(new AuxiliaryEncoder(pretrained.Spec, context.Device, scratchGenerator), trainX, trainY, "from scratch");
            results.Add(new Budget(labels, train.Count, withPretraining, fromScratch, BagOfWords(train)));
        }
        return results;
    }

    private sealed class DisposableTensors(params Tensor[] tensors) : IDisposable
    {
        public void Dispose()
        {
            foreach (var t in tensors)
                t.Dispose();
        }
    }
}
