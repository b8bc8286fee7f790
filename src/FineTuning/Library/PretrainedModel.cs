using Pretrain.FineTuning.Caching;
using Pretrain.FineTuning.Catalog;
using Pretrain.FineTuning.Evaluation;
using Pretrain.FineTuning.Freezing;
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
/// tensors and evaluate it. Everything the command line does, without recipes.
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
public sealed class PretrainedModel : IDisposable
{
    private PretrainedModel(PretrainedStack stack, string source, RunContext context)
    {
        Stack = stack;
        Source = source;
        Context = context;
    }

    /// <summary>The pretrained layers (frozen tensors; networks get copies).</summary>
    public PretrainedStack Stack { get; }

    /// <summary>Where the stack was loaded from.</summary>
    public string Source { get; }

    /// <summary>The device, seed and logger used for training and evaluation.</summary>
    public RunContext Context { get; }

    /// <summary>Loads a stack folder, or <c>catalog:NAME</c> from the model catalog (<c>$PRETRAIN_MODELS</c>).</summary>
    /// <param name="source">A stack folder (containing <c>stack.json</c>) or <c>catalog:NAME</c>.</param>
    /// <param name="device"><c>auto</c> (CUDA when available), <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>.</param>
    /// <param name="seed">Seed for head initialisation and shuffling.</param>
    public static PretrainedModel Load(string source, string device = "auto", int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        var folder = ModelCatalog.ResolveStack(source);
        var context = RunContext.Create(DeviceSpec.Parse(device), seed);
        return new PretrainedModel(StackStore.Load(folder, context.Device), folder, context);
    }

    /// <summary>
    /// A new classifier: the lowest <paramref name="reuseLayers"/> pretrained layers (all by default), then optional
    /// new hidden layers, then a softmax head, on the model's device. Parameters are named <c>hidden1.weight</c>, ...,
    /// <c>output.weight</c>.
    /// </summary>
    public Sequential CreateClassifier(int classCount, int? reuseLayers = null, IReadOnlyList<int>? extraLayers = null, double dropout = 0)
    {
        if (classCount < 2)
            throw new ArgumentException($"a classifier needs at least 2 classes, received {classCount}.", nameof(classCount));
        using var generator = Context.CreateGenerator(RandomStream.LibraryClassifier);
        var network = StackNetwork.Build(Stack, classCount, generator, dropout, reuseLayers, extraLayers);
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
    public void Dispose() => Stack.Dispose();

    private Dataset Wrap(Tensor x, Tensor y, string role)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.dim() != 2 || x.shape[1] != Stack.InputFeatures)
            throw new PretrainException($"{role} tensor x: expected [N, {Stack.InputFeatures}] (the stack's inputs), received [{string.Join(", ", x.shape)}].");
        if (y.dim() != 1 || y.shape[0] != x.shape[0] || y.dtype != ScalarType.Int64)
            throw new PretrainException($"{role} tensor y: expected int64 [{x.shape[0]}] class ids, received {y.dtype} [{string.Join(", ", y.shape)}].");
        return new Dataset(x.to(Context.Device).alias(), y.to(Context.Device).alias(), [Stack.InputFeatures], role);
    }
}
