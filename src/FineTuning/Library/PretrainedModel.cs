using Pretrain.FineTuning.Caching;
using Pretrain.FineTuning.Catalog;
using Pretrain.FineTuning.Evaluation;
using Pretrain.FineTuning.Freezing;
using Pretrain.FineTuning.Models;
using Pretrain.FineTuning.Networks;
using Pretrain.FineTuning.Training;
using Pretrain.Pretraining;
using Pretrain.Pretraining.Data;
using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Stacks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Library;

/// <summary>
/// The entry point for .NET code that builds on a pretrained stack: load it (from a stack folder or a catalog name),
/// turn it into a TorchSharp classifier with a new head, freeze or unfreeze its lower layers, fine-tune it on your own
/// tensors and evaluate it. Everything the command line does, without recipes. A text run's saved model loads too and
/// classifies raw strings (<see cref="Text"/>, <see cref="PredictText"/>).
/// </summary>
/// <example>
/// <code>
/// using var model = PretrainedModel.Load("runs/fashion-mnist-sda-20261122-155317/stack");
/// using var network = model.CreateClassifier(classCount: 10);
/// model.Freeze(network, layers: 1);                       // keep hidden1 as pretrained
/// var history = model.FineTune(network, trainX, trainY, validationX, validationY, new SupervisedTrainingOptions { Epochs = 20 });
/// var report = model.Evaluate(network, testX, testY);     // report.Accuracy, report.PerClassAccuracy, ...
/// </code>
/// </example>
public sealed partial class PretrainedModel : IDisposable
{
    private readonly PretrainedStack? _stack;

    private PretrainedModel(PretrainedStack? stack, SavedNetwork? network, ITextClassifier? text, string source, RunContext context)
    {
        _stack = stack;
        Network = network;
        Text = text;
        Source = source;
        Context = context;
    }

    /// <summary>
    /// The pretrained layers (frozen tensors; networks get copies). Throws <see cref="InvalidOperationException"/> when
    /// the model is a saved network (<see cref="Network"/>) or a text model (<see cref="Text"/>) rather than a stack.
    /// </summary>
    public PretrainedStack Stack => _stack ?? throw new InvalidOperationException(Text is null
        ? $"{Source} is a saved network, not a pretrained stack; use Network."
        : $"{Source} is a text model, not a pretrained stack; use Text or PredictText.");

    /// <summary>
    /// The saved network (a run's <c>network.json</c> and weights) when one was loaded, else null. Its
    /// <see cref="SavedNetwork.PredictProbabilities"/> takes raw inputs; <see cref="SavedNetwork.Scale"/> prepares raw
    /// inputs for <see cref="FineTune"/> and <see cref="Evaluate"/>, which take scaled ones.
    /// </summary>
    public SavedNetwork? Network { get; }

    /// <summary>
    /// The text model (a text run's <c>network.json</c>, its weights and vocabulary) when one was loaded, else null:
    /// it classifies raw documents (<see cref="ITextClassifier.PredictText"/>; <see cref="PredictText"/> is the same call).
    /// Needs the Pretrain.Auxiliary library at run time, which holds the tokenizer and the document classifier.
    /// </summary>
    public ITextClassifier? Text { get; }

    /// <summary>Where the stack or network was loaded from.</summary>
    public string Source { get; }

    /// <summary>The device, seed and logger used for training and evaluation.</summary>
    public RunContext Context { get; }

    /// <summary>Input width D of the stack or network (a text model reads documents and has none: <see cref="InvalidOperationException"/>).</summary>
    public int InputFeatures => Network?.InputFeatures ?? Stack.InputFeatures;

    /// <summary>
    /// Loads a stack folder, a saved network (a folder holding <c>network.json</c>, such as a run folder, or the
    /// <c>.json</c> manifest itself), or <c>catalog:NAME</c> from the model catalog (<c>$PRETRAIN_MODELS</c>), which
    /// may hold either. A text run's saved model (<c>architecture.kind: "text"</c>) loads as <see cref="Text"/>.
    /// </summary>
    /// <param name="source">A stack folder (containing <c>stack.json</c>), a saved network or text model, or <c>catalog:NAME</c>.</param>
    /// <param name="device"><c>auto</c> (CUDA when available), <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>.</param>
    /// <param name="seed">Seed for head initialisation and shuffling.</param>
    public static PretrainedModel Load(string source, string device = "auto", int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        var path = ModelCatalog.ResolveStack(source);
        var context = RunContext.Create(DeviceSpec.Parse(device), seed);
        if (!IsSavedNetwork(path))
            return new PretrainedModel(StackStore.Load(path, context.Device), null, null, path, context);
        var manifest = SavedNetwork.ManifestPathOf(path);
        return NetworkManifestReader.KindOf(manifest) == TextNetworkManifest.Kind
            ? new PretrainedModel(null, null, TextModelBridge.Load(manifest, context.Device), path, context)
            : new PretrainedModel(null, SavedNetwork.Load(path, context.Device), null, path, context);
    }

    /// <summary>
    /// Class probabilities for raw documents with a text model (<see cref="Text"/>): one row per document, one value per
    /// class in <see cref="ITextClassifier.ClassNames"/> order. Throws <see cref="InvalidOperationException"/> for a
    /// stack or a network, which read numeric features.
    /// </summary>
    public float[][] PredictText(IEnumerable<string> documents) =>
        (Text ?? throw new InvalidOperationException($"{Source} is not a text model; it reads numeric features, not documents.")).PredictText(documents);

    /// <summary>
    /// A new classifier: the lowest <paramref name="reuseLayers"/> pretrained layers (all by default), then optional
    /// new hidden layers, then a softmax head, on the model's device. Parameters are named <c>hidden1.weight</c>, ...,
    /// <c>head.weight</c>. From a saved network, its hidden layers (with their batch normalization and activation
    /// parameters) are copied, and its head too when nothing else changes (same classes, all layers, none added).
    /// </summary>
    public Sequential CreateClassifier(int classCount, int? reuseLayers = null, IReadOnlyList<int>? extraLayers = null, double dropout = 0)
    {
        if (classCount < 2)
            throw new ArgumentException($"a classifier needs at least 2 classes, received {classCount}.", nameof(classCount));
        if (Text is not null)
            throw new InvalidOperationException($"{Source} is a text model: it classifies documents as it is (Text, PredictText); new classifiers are built from stacks and dense networks.");
        using var generator = Context.CreateGenerator(RandomStream.LibraryClassifier);
        var network = Network is null
            ? StackNetwork.Build(Stack, classCount, generator, dropout, reuseLayers, extraLayers)
            : FromNetwork(Network, classCount, generator, dropout, reuseLayers, extraLayers);
        network.to(Context.Device);
        return network;
    }

    /// <summary>Freezes the lowest <paramref name="layers"/> layers (negative: all but the top -layers); the rest train. Returns the frozen layers' names.</summary>
    public static IReadOnlyList<string> Freeze(Sequential network, int layers) => Freezer.FreezeTo(LayerGroups.Of(network), layers);

    /// <summary>Makes every parameter trainable again.</summary>
    public static void Unfreeze(Sequential network) => Freezer.UnfreezeAll(LayerGroups.Of(network));

    /// <summary>
    /// Fine-tunes <paramref name="network"/> on caller-provided tensors (<c>x</c>: <c>[N, features]</c> float scaled as
    /// the stack expects, <c>y</c>: <c>[N]</c> int64 class ids), with early stopping when validation tensors are given.
    /// Frozen lower layers are cached automatically, as in recipes.
    /// </summary>
    public TrainingHistory FineTune(Sequential network, Tensor x, Tensor y, Tensor? validationX = null, Tensor? validationY = null, SupervisedTrainingOptions? options = null)
    {
        using var train = Wrap(x, y, "training");
        using var validation = validationX is null || validationY is null ? null : Wrap(validationX, validationY, "validation");
        return new CachingTrainer(options ?? new SupervisedTrainingOptions()).Fit(network, train, validation, Context);
    }

    /// <summary>Loss, accuracy, per-class accuracy and the confusion matrix of <paramref name="network"/> on the given tensors.</summary>
    public ClassificationReport Evaluate(Sequential network, Tensor x, Tensor y)
    {
        using var data = Wrap(x, y, "evaluation");
        return ClassificationEvaluator.Evaluate(network, data, Context.Device);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stack?.Dispose();
        Network?.Dispose();
        Text?.Dispose();
    }

    private Dataset Wrap(Tensor x, Tensor y, string role)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.dim() != 2 || x.shape[1] != InputFeatures)
            throw new PretrainException($"{role} tensor x: expected [N, {InputFeatures}] (the model's inputs), received [{string.Join(", ", x.shape)}].");
        if (y.dim() != 1 || y.shape[0] != x.shape[0] || y.dtype != ScalarType.Int64)
            throw new PretrainException($"{role} tensor y: expected int64 [{x.shape[0]}] class ids, received {y.dtype} [{string.Join(", ", y.shape)}].");
        return new Dataset(x.to(Context.Device).alias(), y.to(Context.Device).alias(), [InputFeatures], role);
    }
}
