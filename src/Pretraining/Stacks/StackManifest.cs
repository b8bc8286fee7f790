using System.Text.Json;
using System.Text.Json.Serialization;
using Pretrain.Pretraining.Layers;

namespace Pretrain.Pretraining.Stacks;

/// <summary>
/// <c>stack.json</c>: the description of a saved pretrained stack. The weights live in one safetensors file per
/// layer next to it, each with its SHA-256 here, so a reader can check nothing was cut short or swapped.
/// The format is documented in docs/stack-format.md.
/// </summary>
public sealed record StackManifest
{
    /// <summary>The format's name; always <see cref="FormatName"/>.</summary>
    public const string FormatName = "pretrain-stack";

    /// <summary>
    /// The newest format version this code writes and reads: 2 adds convolutional layers (shapes and
    /// <see cref="StackLayerEntry.Convolution"/>), 3 probabilistic max-pooling (convolutional RBMs). Each stack is
    /// written with the lowest version that describes it (<see cref="VersionFor"/>), so older readers load what they
    /// can encode correctly and refuse the rest instead of misreading it (a version-2 reader would take probabilistic
    /// pooling for max-pooling).
    /// </summary>
    public const int CurrentVersion = 3;

    /// <summary>The version of stacks whose layers are all dense.</summary>
    public const int DenseVersion = 1;

    /// <summary>The version of stacks with convolutional layers, all max-pooled or not pooled.</summary>
    public const int ConvolutionVersion = 2;

    /// <summary>The lowest version that describes layers with these <paramref name="convolutions"/> (null: a dense layer).</summary>
    public static int VersionFor(IEnumerable<ConvolutionGeometry?> convolutions)
    {
        ArgumentNullException.ThrowIfNull(convolutions);
        var list = convolutions.ToList();
        return list.Any(c => c?.Pooling == ConvPooling.Probabilistic) ? CurrentVersion
            : list.Any(c => c is not null) ? ConvolutionVersion : DenseVersion;
    }

    /// <summary>Always <c>pretrain-stack</c>.</summary>
    public string Format { get; init; } = FormatName;

    /// <summary>Format version.</summary>
    public int Version { get; init; } = CurrentVersion;

    /// <summary>Shape of one input example before flattening (e.g. [28, 28]).</summary>
    public IReadOnlyList<long> InputShape { get; init; } = [];

    /// <summary>Input width of layer 1 (the product of <see cref="InputShape"/>).</summary>
    public int InputFeatures { get; init; }

    /// <summary>How raw inputs were scaled before layer 1 (the scaler's state), or null.</summary>
    public JsonElement? Normalization { get; init; }

    /// <summary>The layers, lowest first.</summary>
    public IReadOnlyList<StackLayerEntry> Layers { get; init; } = [];

    /// <summary>When the stack was last written.</summary>
    public DateTimeOffset Created { get; init; }

    /// <summary>The Pretrain version that wrote it.</summary>
    public string? WrittenBy { get; init; }

    /// <summary>Serializer settings for manifests: camelCase, enums as camelCase strings, indented.</summary>
    public static JsonSerializerOptions SerializerOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}

/// <summary>One layer of a <see cref="StackManifest"/>.</summary>
public sealed record StackLayerEntry
{
    /// <summary>Layer name: <c>layer1</c>, <c>layer2</c>, ...</summary>
    public required string Name { get; init; }

    /// <summary>Pretraining method (<c>autoencoder</c>, <c>rbm</c>, ...).</summary>
    public required string Kind { get; init; }

    /// <summary>Input values per example (the product of <see cref="InputShape"/>).</summary>
    public int InputSize { get; init; }

    /// <summary>Output values per example (hidden units, or the product of <see cref="OutputShape"/>).</summary>
    public int OutputSize { get; init; }

    /// <summary>One input example, e.g. <c>[784]</c> or <c>[1, 28, 28]</c>; absent in manifests written before version 2 (then <c>[InputSize]</c>).</summary>
    public IReadOnlyList<long>? InputShape { get; init; }

    /// <summary>One output example, e.g. <c>[256]</c> or <c>[16, 12, 12]</c>; absent in manifests written before version 2 (then <c>[OutputSize]</c>).</summary>
    public IReadOnlyList<long>? OutputShape { get; init; }

    /// <summary>Kernel, stride, padding and pooling of a convolutional layer; absent for dense layers.</summary>
    public ConvolutionGeometry? Convolution { get; init; }

    /// <summary>Encoder nonlinearity.</summary>
    public EncoderActivation Activation { get; init; }

    /// <summary>
    /// The safetensors file holding <c>encoder.weight</c> ([out, in], or [C', C, k, k] for a convolutional layer),
    /// <c>encoder.bias</c> ([out] or [C']) and the extras.
    /// </summary>
    public required string File { get; init; }

    /// <summary>Lower-case hex SHA-256 of <see cref="File"/>.</summary>
    public required string Sha256 { get; init; }

    /// <summary>The training settings the layer was made with (the trainer's options as JSON).</summary>
    public JsonElement? Settings { get; init; }

    /// <summary>Final training metrics.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();
}
