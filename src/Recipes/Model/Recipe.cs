using System.Text.Json.Serialization;
using Pretrain.FineTuning.Training;
using Pretrain.Pretraining.Validation;

namespace Pretrain.Recipes.Model;

/// <summary>
/// A run described in JSON: which data, which network, how to train it. Field names are camelCase in JSON;
/// defaults live here and in the option records the sections bind to. See docs/recipes.md.
/// </summary>
public sealed record Recipe
{
    /// <summary>Optional JSON Schema reference for editors; ignored by Pretrain.</summary>
    [JsonPropertyName("$schema")]
    public string? Schema { get; init; }

    /// <summary>Short name, used for the run folder. Default "run".</summary>
    public string Name { get; init; } = "run";

    /// <summary>Free text for people reading the recipe.</summary>
    public string? Description { get; init; }

    /// <summary>Seed for every random choice of the run. Default 42.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>auto | cpu | cuda | cuda:N. Default auto (CUDA when available).</summary>
    public string Device { get; init; } = "auto";

    /// <summary>Folder under which each run gets its own folder, relative to the working directory. Default "runs".</summary>
    public string Output { get; init; } = "runs";

    /// <summary>Where the examples come from and how they are prepared.</summary>
    public DataSection? Data { get; init; }

    /// <summary>Greedy layer-wise unsupervised pretraining on the training examples (labels unused). Optional.</summary>
    public PretrainingSection? Pretraining { get; init; }

    /// <summary>
    /// The text pipeline (auxiliary language-task pretraining, then document classification), used instead of
    /// <see cref="Data"/>, <see cref="Pretraining"/>, <see cref="Model"/> and <see cref="Training"/>.
    /// </summary>
    public TextSection? Text { get; init; }

    /// <summary>The network. Default: two hidden ReLU layers of 256 and 128 units.</summary>
    public ModelSection Model { get; init; } = new();

    /// <summary>
    /// Supervised training of <see cref="Model"/> on the labeled examples. When omitted it runs with its defaults,
    /// unless the recipe has a <see cref="Pretraining"/> section (then only pretraining and its evaluation run).
    /// </summary>
    public SupervisedTrainingOptions? Training { get; init; }

    /// <summary>
    /// Self-distillation after supervised training: the trained network labels the unlabeled training examples with its
    /// class probabilities and a student trains on them and the labels: by default the arm's own network at its start,
    /// or the network <c>distillation.student</c> describes. Both arms distil when the recipe compares with scratch. Optional.
    /// </summary>
    public DistillationSection? Distillation { get; init; }

    /// <summary>
    /// Consistency training on the unlabeled training examples after supervised training (FixMatch): each arm's trained
    /// network goes on training on the labels beside unlabeled images it labels itself where it is sure, learning those
    /// labels under strong changes of the images. Both arms train so when the recipe compares with scratch; a
    /// <c>distillation</c> section then distils the result. Optional.
    /// </summary>
    public FineTuning.Training.ConsistencyOptions? Consistency { get; init; }

    /// <summary>Extra evaluations.</summary>
    public EvaluationSection Evaluation { get; init; } = new();

    /// <summary>True when the recipe trains the supervised network.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool RunsSupervisedTraining => Text is null && (Training is not null || Pretraining is null);
}

/// <summary>The recipe's <c>pretraining</c> section: the layers trained greedily, lowest first.</summary>
public sealed record PretrainingSection
{
    /// <summary>The layers; each has a <c>kind</c> (<c>autoencoder</c>, <c>rbm</c>, <c>convAutoencoder</c> or <c>convRbm</c>) and that method's settings.</summary>
    public IReadOnlyList<Pretraining.Layers.LayerOptions> Layers { get; init; } = [];

    /// <summary>
    /// Reuse a saved stack instead of training one: <c>catalog:NAME</c> for a catalog entry, or the path of a stack
    /// folder (relative to the recipe). Exclusive with <see cref="Layers"/>.
    /// </summary>
    public string? From { get; init; }

    /// <summary>
    /// Pretrain with an auxiliary task instead of greedy layers: the trained encoder becomes the stack. Exclusive with
    /// <see cref="Layers"/> and <see cref="From"/>.
    /// </summary>
    public AuxiliarySection? Auxiliary { get; init; }

    /// <summary>Save the pretrained stack into the model catalog under this name (<c>$PRETRAIN_MODELS</c>). Optional.</summary>
    public string? SaveAs { get; init; }

    /// <summary>
    /// Cache each frozen layer's outputs once (default). False recomputes the frozen layers on every pass, which is
    /// only useful to measure what the cache saves.
    /// </summary>
    public bool CacheFrozenOutputs { get; init; } = true;
}

/// <summary>The recipe's <c>evaluation</c> section.</summary>
public sealed record EvaluationSection
{
    /// <summary>
    /// Train a softmax classifier on the frozen top-layer features of the pretrained stack and another on the raw
    /// inputs, with the labeled training examples, and report both test accuracies. Default true when pretraining. It
    /// reads its examples in memory, so it is refused when <c>data.memoryBudget</c> streams any of them.
    /// </summary>
    public bool LinearProbe { get; init; } = true;

    /// <summary>
    /// With <c>model.initialization: pretrained</c>: also train the same architecture from random weights
    /// (<c>model.initializer</c>) with the same training settings, and report both test accuracies. Default false.
    /// </summary>
    public bool CompareWithScratch { get; init; }
}

/// <summary>The recipe's <c>data</c> section.</summary>
public sealed record DataSection : IValidatedOptions
{
    /// <summary>Training examples (labeled for supervised training).</summary>
    public required DataSourceSpec Train { get; init; }

    /// <summary>Test examples, used once at the end. Optional.</summary>
    public DataSourceSpec? Test { get; init; }

    /// <summary>
    /// More examples for pretraining only (their labels, if any, are unused), e.g. a folder of unlabeled images: added
    /// to the training examples outside the validation split, less exact copies of validation or test examples.
    /// Optional; needs a pretraining section that trains (layers or auxiliary).
    /// </summary>
    public DataSourceSpec? Unlabeled { get; init; }

    /// <summary>How features are scaled; statistics come from the training examples only. Default unit.</summary>
    public ScalingKind Scaling { get; init; } = ScalingKind.Unit;

    /// <summary>Fraction of the training examples held out for validation (early stopping). Default 0.1.</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>
    /// Keep only this many labeled examples per class of the remaining training data, read into memory even when the
    /// training shards are streamed. Default: all (streamed ones are fine-tuned on as a stream).
    /// </summary>
    public int? LabelsPerClass { get; init; }

    /// <summary>
    /// Host memory the run's data may use, e.g. <c>"2GB"</c> (KB/MB/GB are powers of 1000, KiB/MiB/GiB of 1024): a frozen
    /// layer's outputs that need more than half of it are spilled to disk shards, and a <c>shards</c> training source
    /// larger than half of it is streamed rather than loaded: pretraining and, without <c>labelsPerClass</c>, fine-tuning
    /// read it through a shuffling window of a quarter of the budget, and a validation split or <c>shards</c> test source
    /// larger than a quarter of it is evaluated streamed too. Default: none (everything in memory). <c>pretrain run
    /// --memory-budget</c> sets it.
    /// </summary>
    public string? MemoryBudget { get; init; }

    /// <summary>Every value out of range, with paths relative to <c>data</c> (whether files exist is the validator's business).</summary>
    public IEnumerable<OptionProblem> Problems()
    {
        if (MemoryBudget is not null && !Pretraining.Runtime.MemoryBudget.TryParse(MemoryBudget, out _))
            yield return new("memoryBudget", $"expected {Pretraining.Runtime.MemoryBudget.Expected}, received '{MemoryBudget}'.");
        if (ValidationFraction is not (>= 0 and < 1))
            yield return new("validationFraction", $"expected a number in [0, 1), received {ValidationFraction}.");
        if (LabelsPerClass is <= 0)
            yield return new("labelsPerClass", $"expected a positive integer, received {LabelsPerClass}.");
    }
}

/// <summary>Feature scaling choices.</summary>
public enum ScalingKind
{
    /// <summary>Leave features as read.</summary>
    None,
    /// <summary>Scale to [0,1] (pixels: divide by 255; other data: per-feature min and max of the training data).</summary>
    Unit,
    /// <summary>Zero mean, unit variance per feature, from the training data.</summary>
    Standardize,
}

/// <summary>The recipe's <c>model</c> section: a multilayer perceptron classifier.</summary>
public sealed record ModelSection : IValidatedOptions
{
    /// <summary>Units per hidden layer, lowest first. Default [256, 128].</summary>
    public IReadOnlyList<int> HiddenLayers { get; init; } = [256, 128];

    /// <summary>
    /// Convolutional blocks below the hidden layers of a randomly initialized network, lowest first (a CNN on image
    /// data); a network built from a pretrained stack takes its convolutions from the stack. Default none.
    /// </summary>
    public IReadOnlyList<ConvolutionSection> Convolutions { get; init; } = [];

    /// <summary>Hidden nonlinearity. Default relu.</summary>
    public FineTuning.Networks.ActivationKind Activation { get; init; } = FineTuning.Networks.ActivationKind.Relu;

    /// <summary>Dropout after each hidden layer, in [0, 1). Default 0.</summary>
    public double Dropout { get; init; }

    /// <summary>
    /// Batch normalization between each hidden layer and its activation. After pretrained layers it starts as the
    /// identity (statistics estimated on the training data), so fine-tuning starts from the pretrained function. Default false.
    /// </summary>
    public bool BatchNorm { get; init; }

    /// <summary>
    /// How batch normalizations after pretrained layers start: <c>identity</c> (default) keeps the pretrained function;
    /// <c>standard</c> starts them as from scratch (scale 1, shift 0), normalizing every pretrained feature over the
    /// batch from the first step. Only with <see cref="BatchNorm"/> and <c>initialization: pretrained</c>.
    /// </summary>
    public FineTuning.Networks.BatchNormStart BatchNormStart { get; init; } = FineTuning.Networks.BatchNormStart.Identity;

    /// <summary>Leaky ReLU slope, ELU alpha or PReLU's starting slope; null for each one's default.</summary>
    public double? ActivationAlpha { get; init; }

    /// <summary>
    /// <c>random</c> (default): a fresh network of <see cref="HiddenLayers"/>. <c>pretrained</c>: the hidden layers are the
    /// pretrained stack's (its widths and activation; <see cref="HiddenLayers"/> and <see cref="Activation"/> are then
    /// not used) and the whole network is fine-tuned.
    /// </summary>
    public NetworkInitialization Initialization { get; init; } = NetworkInitialization.Random;

    /// <summary>With <c>initialization: pretrained</c>: how many of the stack's lowest layers to reuse (the rest are dropped). Default: all.</summary>
    public int? ReuseLayers { get; init; }

    /// <summary>With <c>initialization: pretrained</c>: new hidden layers added above the reused ones, before the head. Default none.</summary>
    public IReadOnlyList<int> AddLayers { get; init; } = [];

    /// <summary>How random weights are drawn. Default: libtorch's.</summary>
    public FineTuning.Networks.InitializerKind Initializer { get; init; } = FineTuning.Networks.InitializerKind.Default;

    /// <summary>
    /// Freeze the lowest N layers with weights (negative: all but the top |N|), like fastai's freeze_to. Frozen
    /// layers get no gradients; their outputs are cached when nothing stochastic sits among them. Default 0.
    /// </summary>
    public int FreezeLayers { get; init; }

    /// <summary>Weights to copy into the network after it is built (from Pretrain or another framework). Optional.</summary>
    public RestoreSection? Restore { get; init; }

    /// <summary>Gain of <see cref="Initializer"/> (4 with glorotUniform is the classic choice for sigmoid units). Default 1.</summary>
    public double InitializerGain { get; init; } = 1;

    /// <summary>Every value out of range or at odds with another model field, with paths relative to <c>model</c>.</summary>
    public IEnumerable<OptionProblem> Problems()
    {
        for (var i = 0; i < HiddenLayers.Count; i++)
            if (HiddenLayers[i] <= 0)
                yield return new($"hiddenLayers[{i}]", $"expected a positive integer, received {HiddenLayers[i]}.");
        if (Dropout is not (>= 0 and < 1))
            yield return new("dropout", $"expected a number in [0, 1), received {Dropout}.");
        for (var i = 0; i < Convolutions.Count; i++)
            foreach (var problem in Convolutions[i].Problems())
                yield return problem.Under($"convolutions[{i}]");
        if (Convolutions.Count > 0 && Initialization != NetworkInitialization.Random)
            yield return new("convolutions", "a network built from a pretrained stack takes its convolutions from the stack: remove model.convolutions or set model.initialization to 'random'.");
        if (ReuseLayers is <= 0)
            yield return new("reuseLayers", $"expected a positive integer or null, received {ReuseLayers}.");
        for (var i = 0; i < AddLayers.Count; i++)
            if (AddLayers[i] <= 0)
                yield return new($"addLayers[{i}]", $"expected a positive integer, received {AddLayers[i]}.");
        if ((ReuseLayers is not null || AddLayers.Count > 0) && Initialization != NetworkInitialization.Pretrained)
            yield return new("reuseLayers", "reuseLayers and addLayers shape a network built from a pretrained stack: set model.initialization to 'pretrained'.");
        if (BatchNormStart != FineTuning.Networks.BatchNormStart.Identity && !(BatchNorm && Initialization == NetworkInitialization.Pretrained))
            yield return new("batchNormStart", "batchNormStart applies to batch normalizations after pretrained layers: set model.batchNorm to true and model.initialization to 'pretrained', or remove it.");
        if (ActivationAlpha is <= 0)
            yield return new("activationAlpha", $"expected a positive number or null, received {ActivationAlpha}.");
        if (!(InitializerGain > 0))
            yield return new("initializerGain", $"expected a positive number, received {InitializerGain}.");
        foreach (var problem in Restore?.Problems() ?? [])
            yield return problem.Under("restore");
    }
}

/// <summary>One convolutional block of <c>model.convolutions</c>: kernels, then batch normalization (with <c>model.batchNorm</c>), the activation and max-pooling.</summary>
public sealed record ConvolutionSection : IValidatedOptions
{
    /// <summary>Number of kernels (output channels).</summary>
    public required int Channels { get; init; }

    /// <summary>Kernel height and width. Default 3.</summary>
    public int Kernel { get; init; } = 3;

    /// <summary>Step between kernel positions. Default 1.</summary>
    public int Stride { get; init; } = 1;

    /// <summary>Zeros added on each side. Default 0.</summary>
    public int Padding { get; init; }

    /// <summary>Max-pooling window after the activation (1: none). Default 1.</summary>
    public int PoolSize { get; init; } = 1;

    /// <summary>The block as the network builder takes it.</summary>
    public FineTuning.Networks.ConvLayerSpec ToSpec() => new(Channels, new Pretraining.Layers.ConvolutionGeometry(Kernel, Stride, Padding, PoolSize));

    /// <inheritdoc />
    public IEnumerable<OptionProblem> Problems()
    {
        if (Channels <= 0) yield return new("channels", $"expected a positive integer, received {Channels}.");
        if (Kernel <= 0) yield return new("kernel", $"expected a positive integer, received {Kernel}.");
        if (Stride <= 0) yield return new("stride", $"expected a positive integer, received {Stride}.");
        if (Padding < 0) yield return new("padding", $"expected an integer >= 0, received {Padding}.");
        if (PoolSize <= 0) yield return new("poolSize", $"expected a positive integer, received {PoolSize}.");
    }
}

/// <summary>The recipe's <c>model.restore</c>: weights from a safetensors or .npz file copied into chosen layers.</summary>
public sealed record RestoreSection : IValidatedOptions
{
    /// <summary>The weights file (.safetensors or .npz), relative to the recipe.</summary>
    public required string Path { get; init; }

    /// <summary>Regular expression of the layer names to restore (e.g. <c>hidden[12]</c>); the rest keep their initialization. Default: all.</summary>
    public string Layers { get; init; } = ".*";

    /// <summary>
    /// For files from other frameworks: how their tensor names map to this network's (regex source, replacement
    /// target, <c>outIn</c> or <c>inOut</c> layout). When given, <see cref="Layers"/> is not used.
    /// </summary>
    public IReadOnlyList<FineTuning.Transfer.NameMapping>? Mappings { get; init; }

    /// <summary>Every malformed pattern or mapping, with paths relative to <c>model.restore</c> (whether the file exists is the validator's business).</summary>
    public IEnumerable<OptionProblem> Problems()
    {
        if (Mappings is not null && Layers != ".*")
            yield return new("layers", "give either a layer pattern or name mappings, not both.");
        if (PatternProblem(Layers, "layers") is { } layers)
            yield return layers;
        for (var i = 0; i < (Mappings?.Count ?? 0); i++)
        {
            var mapping = Mappings![i];
            if (string.IsNullOrEmpty(mapping.Source))
                yield return new($"mappings[{i}].source", "expected a regular expression for the file's tensor names.");
            if (string.IsNullOrEmpty(mapping.Target))
                yield return new($"mappings[{i}].target", "expected this network's parameter name (e.g. hidden$1.weight).");
            if (PatternProblem(mapping.Source ?? "", $"mappings[{i}].source") is { } source)
                yield return source;
        }
    }

    private static OptionProblem? PatternProblem(string pattern, string path)
    {
        try
        {
            _ = new System.Text.RegularExpressions.Regex(pattern, System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
            return null;
        }
        catch (ArgumentException e)
        {
            return new(path, $"not a valid regular expression: {e.Message}");
        }
    }
}

/// <summary>Where the supervised network's hidden layers start.</summary>
public enum NetworkInitialization
{
    /// <summary>Randomly initialized.</summary>
    Random,
    /// <summary>From the recipe's pretrained stack.</summary>
    Pretrained,
}
