using System.Text.Json;
using System.Text.Json.Serialization;
using Pretrain.FineTuning.Networks;
using Pretrain.Pretraining.Data;
using Pretrain.Pretraining.Layers;

namespace Pretrain.FineTuning.Models;

/// <summary>
/// <c>network.json</c>: everything needed to use a trained network without its recipe or training data: the
/// architecture, the input's shape and dtype, the fitted input scaling, the class names and the SHA-256 of the weights
/// file beside it. Written last, after the weights, so it is the commit point. Documented in docs/saved-network.md.
/// </summary>
public sealed record NetworkManifest
{
    /// <summary>The format's name; always <see cref="FormatName"/>.</summary>
    public const string FormatName = "pretrain-network";

    /// <summary>
    /// The newest format version this code reads. Version 2 added text models (<see cref="TextNetworkManifest"/>);
    /// dense and convolutional networks are still written as version 1, which every version of Pretrain reads.
    /// </summary>
    public const int CurrentVersion = 2;

    /// <summary>Always <c>pretrain-network</c>.</summary>
    public string Format { get; init; } = FormatName;

    /// <summary>Format version: 1 for the networks this record describes.</summary>
    public int Version { get; init; } = 1;

    /// <summary>The network's layers.</summary>
    public required NetworkArchitecture Architecture { get; init; }

    /// <summary>What one raw input example looks like.</summary>
    public required NetworkInput Input { get; init; }

    /// <summary>How raw inputs are scaled before the first layer: <c>y = (x - offset) / scale</c> per feature.</summary>
    public required ScalerState Scaling { get; init; }

    /// <summary>One name per class, in logit order (<c>"0"</c>..<c>"C-1"</c> when the data had none).</summary>
    public required IReadOnlyList<string> Classes { get; init; }

    /// <summary>The weights file and its checksum.</summary>
    public required NetworkWeights Weights { get; init; }

    /// <summary>When the network was saved.</summary>
    public DateTimeOffset Created { get; init; }

    /// <summary>The Pretrain version that wrote it.</summary>
    public string? WrittenBy { get; init; }

    /// <summary>
    /// Serializer settings: camelCase, enums as camelCase strings, indented; a missing required field or a null where
    /// a value belongs is a <see cref="JsonException"/> naming its JSON path.
    /// </summary>
    public static JsonSerializerOptions SerializerOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
    };
}

/// <summary>The architecture of a saved network: the fields of an <see cref="MlpSpec"/>.</summary>
public sealed record NetworkArchitecture
{
    /// <summary>The kind of network, both built by <see cref="MlpBuilder"/>: <c>mlp</c>, or <c>cnn</c> when it has <see cref="Convolutions"/>.</summary>
    public string Kind { get; init; } = "mlp";

    /// <summary>The input as an image <c>[C, H, W]</c> for the convolutions; absent for an MLP.</summary>
    public IReadOnlyList<long>? ImageShape { get; init; }

    /// <summary>Convolutional blocks below the hidden layers, lowest first (<c>hidden1..</c>); absent for an MLP.</summary>
    public IReadOnlyList<NetworkConvolution>? Convolutions { get; init; }

    /// <summary>Input width D.</summary>
    public int InputFeatures { get; init; }

    /// <summary>Units per hidden layer, lowest first.</summary>
    public required IReadOnlyList<int> HiddenLayers { get; init; }

    /// <summary>Number of classes (logits) of the head.</summary>
    public int ClassCount { get; init; }

    /// <summary>Nonlinearity after each hidden layer.</summary>
    public ActivationKind Activation { get; init; }

    /// <summary>Slope of leaky ReLU / ELU alpha / PReLU's starting slope; null for each one's default.</summary>
    public double? ActivationAlpha { get; init; }

    /// <summary>Dropout probability used while training (inactive when predicting).</summary>
    public double Dropout { get; init; }

    /// <summary>Batch normalization between each hidden linear layer and its activation.</summary>
    public bool BatchNorm { get; init; }

    /// <summary>The architecture of <paramref name="spec"/>.</summary>
    public static NetworkArchitecture From(MlpSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new()
        {
            InputFeatures = spec.InputFeatures, HiddenLayers = spec.HiddenLayers.ToArray(), ClassCount = spec.ClassCount,
            Activation = spec.Activation, ActivationAlpha = spec.ActivationAlpha, Dropout = spec.Dropout, BatchNorm = spec.BatchNorm,
            Kind = spec.Convolutions.Count > 0 ? "cnn" : "mlp",
            ImageShape = spec.Convolutions.Count > 0 ? spec.ImageShape : null,
            Convolutions = spec.Convolutions.Count > 0
                ? spec.Convolutions.Select(c => new NetworkConvolution(c.Channels, c.Geometry.Kernel, c.Geometry.Stride, c.Geometry.Padding, c.Geometry.PoolSize, c.Geometry.Pooling)).ToArray()
                : null,
        };
    }

    /// <summary>The <see cref="MlpSpec"/> to build the module from.</summary>
    public MlpSpec ToSpec() =>
        new(InputFeatures, HiddenLayers, ClassCount, Activation, Dropout)
        {
            ActivationAlpha = ActivationAlpha, BatchNorm = BatchNorm, ImageShape = ImageShape,
            Convolutions = Convolutions?.Select(c => new ConvLayerSpec(c.Channels, new ConvolutionGeometry(c.Kernel, c.Stride, c.Padding, c.PoolSize, c.Pooling))).ToArray() ?? [],
        };
}

/// <summary>One convolutional block of a saved network (the fields of a <see cref="ConvLayerSpec"/>).</summary>
/// <param name="Channels">Kernels (output channels).</param>
/// <param name="Kernel">Kernel height and width.</param>
/// <param name="Stride">Step between kernel positions.</param>
/// <param name="Padding">Zeros added on each side.</param>
/// <param name="PoolSize">Pooling window after the activation (1: none).</param>
/// <param name="Pooling">Max-pooling, or a convolutional RBM's probabilistic pooling (left out when max).</param>
public sealed record NetworkConvolution(int Channels, int Kernel, int Stride, int Padding, int PoolSize,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] ConvPooling Pooling = ConvPooling.Max);

/// <summary>One raw input example.</summary>
/// <param name="Shape">Its shape before flattening (e.g. [28, 28]); the product is the architecture's input features.</param>
/// <param name="Dtype">The dtype the network reads its features in: <c>float32</c> (every reader converts to it).</param>
public sealed record NetworkInput(IReadOnlyList<long> Shape, string Dtype);

/// <summary>The weights file of a saved network.</summary>
/// <param name="File">Its name, in the manifest's folder (a safetensors file of the module's state, <c>[out, in]</c> weights).</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the file.</param>
public sealed record NetworkWeights(string File, string Sha256);
