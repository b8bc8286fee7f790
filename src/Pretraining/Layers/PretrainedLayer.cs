using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Layers;

/// <summary>
/// The frozen result of pretraining one layer: an encoder <c>h = activation(x W^T + b)</c> with W float32
/// [out, in] (PyTorch's <c>nn.Linear</c> convention) and b [out], plus whatever else the method learned that is
/// worth keeping (<see cref="Extras"/>: a decoder, an RBM's visible bias). Owns its tensors, which never require
/// gradients.
/// </summary>
public sealed class PretrainedLayer : IDisposable
{
    /// <summary>Creates a layer from copies the caller hands over (ownership moves to this object).</summary>
    /// <param name="kind">The method, as recipes and manifests name it (<c>autoencoder</c>, <c>rbm</c>).</param>
    /// <param name="weight">Encoder weight, float32 [out, in].</param>
    /// <param name="bias">Encoder bias, float32 [out].</param>
    /// <param name="activation">Encoder nonlinearity.</param>
    /// <param name="extras">Other learned tensors by name (e.g. <c>decoder.weight</c>, <c>visible.bias</c>).</param>
    /// <param name="metrics">Final metrics by name (e.g. <c>validationReconstruction</c>).</param>
    public PretrainedLayer(string kind, Tensor weight, Tensor bias, EncoderActivation activation,
        IReadOnlyDictionary<string, Tensor>? extras = null, IReadOnlyDictionary<string, double>? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(bias);
        if (weight.dim() != 2 || bias.dim() != 1 || bias.shape[0] != weight.shape[0])
            throw new ArgumentException($"encoder weight must be [out, in] and bias [out], received [{string.Join(", ", weight.shape)}] and [{string.Join(", ", bias.shape)}].");
        Kind = kind;
        Weight = Own(weight);
        Bias = Own(bias);
        Activation = activation;
        Extras = (extras ?? new Dictionary<string, Tensor>()).ToDictionary(e => e.Key, e => Own(e.Value));
        Metrics = metrics ?? new Dictionary<string, double>();
    }

    /// <summary>The pretraining method.</summary>
    public string Kind { get; }

    /// <summary>Encoder weight, float32 [out, in].</summary>
    public Tensor Weight { get; }

    /// <summary>Encoder bias, float32 [out].</summary>
    public Tensor Bias { get; }

    /// <summary>Encoder nonlinearity.</summary>
    public EncoderActivation Activation { get; }

    /// <summary>Other learned tensors by name.</summary>
    public IReadOnlyDictionary<string, Tensor> Extras { get; }

    /// <summary>Final metrics by name.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; }

    /// <summary>Input size.</summary>
    public int InputSize => (int)Weight.shape[1];

    /// <summary>Output size (hidden units).</summary>
    public int OutputSize => (int)Weight.shape[0];

    /// <summary>Encodes <paramref name="input"/> float32 [B, in] to [B, out] without gradients (on the layer's device).</summary>
    public Tensor Encode(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var _ = no_grad();
        return Activation.Apply(nn.functional.linear(input, Weight, Bias));
    }

    /// <summary>Moves every tensor to <paramref name="device"/> (a no-op when already there).</summary>
    public PretrainedLayer To(Device device) =>
        Weight.device == device ? this : new PretrainedLayer(Kind, Weight.to(device), Bias.to(device), Activation,
            Extras.ToDictionary(e => e.Key, e => e.Value.to(device)), Metrics);

    /// <inheritdoc />
    public void Dispose()
    {
        Weight.Dispose();
        Bias.Dispose();
        foreach (var tensor in Extras.Values)
            tensor.Dispose();
    }

    // Ownership moves here: keep a detached handle and release the caller's, so no handle is left for the finalizer.
    private static Tensor Own(Tensor tensor)
    {
        var owned = tensor.detach().DetachFromDisposeScope();
        if (!ReferenceEquals(owned, tensor))
            tensor.Dispose();
        return owned;
    }
}
