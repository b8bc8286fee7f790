using System.Text.Json;
using Pretrain.Pretraining.Layers;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Stacks;

/// <summary>
/// Pretrained layers, lowest first, with the input description they were trained on. Owns its layers. Save it with
/// <see cref="StackStore.Save"/> and load it with <see cref="StackStore.Load"/>; <see cref="Encode"/> runs inputs
/// through the frozen encoders and <see cref="StackModules.ToSequential"/> turns it into a TorchSharp module.
/// </summary>
public sealed class PretrainedStack : IDisposable
{
    private readonly List<PretrainedLayer> _layers = [];
    private readonly List<JsonElement?> _settings = [];

    /// <summary>An empty stack for inputs of <paramref name="inputShape"/>, optionally with their scaling state.</summary>
    public PretrainedStack(IReadOnlyList<long> inputShape, JsonElement? normalization = null)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        InputShape = inputShape.ToArray();
        Normalization = normalization;
    }

    /// <summary>Shape of one input example before flattening.</summary>
    public IReadOnlyList<long> InputShape { get; }

    /// <summary>Input width of layer 1.</summary>
    public int InputFeatures => (int)InputShape.Aggregate(1L, (a, b) => a * b);

    /// <summary>How raw inputs are scaled before layer 1, or null.</summary>
    public JsonElement? Normalization { get; }

    /// <summary>The layers, lowest first.</summary>
    public IReadOnlyList<PretrainedLayer> Layers => _layers;

    /// <summary>The training settings of each layer (parallel to <see cref="Layers"/>).</summary>
    public IReadOnlyList<JsonElement?> Settings => _settings;

    /// <summary>Output width of the top layer (the input width for an empty stack).</summary>
    public int OutputSize => _layers.Count == 0 ? InputFeatures : _layers[^1].OutputSize;

    /// <summary>Shape of one output example of the top layer (the input shape for an empty stack).</summary>
    public IReadOnlyList<long> OutputShape => _layers.Count == 0 ? InputShape : _layers[^1].OutputShape;

    /// <summary>True when any layer is convolutional (such stacks cannot become fully connected networks).</summary>
    public bool IsConvolutional => _layers.Any(l => l.Convolution is not null);

    /// <summary>Adds <paramref name="layer"/> on top, taking ownership. Its input width must match the top's output.</summary>
    public void Add(PretrainedLayer layer, JsonElement? settings = null)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (layer.InputSize != OutputSize)
            throw new PretrainException($"layer{_layers.Count + 1}: expects {layer.InputSize} inputs but the stack below gives {OutputSize}.");
        _layers.Add(layer);
        _settings.Add(settings);
    }

    /// <summary>
    /// Encodes <paramref name="input"/> [B, InputFeatures] (or [B, ...InputShape]) through layers
    /// 1..<paramref name="layers"/> (all by default), without gradients. The result, [B, ...the top layer's output
    /// shape], is a new tensor in the caller's dispose scope.
    /// </summary>
    public Tensor Encode(Tensor input, int? layers = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        var count = layers ?? _layers.Count;
        if (count < 0 || count > _layers.Count)
            throw new ArgumentOutOfRangeException(nameof(layers), $"the stack has {_layers.Count} layers, asked for {count}.");
        using var scope = NewDisposeScope();
        var h = input.alias();
        for (var i = 0; i < count; i++)
            h = _layers[i].Encode(h);
        return h.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var layer in _layers)
            layer.Dispose();
        _layers.Clear();
    }
}
