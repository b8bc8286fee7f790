using static TorchSharp.torch;

namespace Pretrain.Pretraining.Layers.ConvRbm;

/// <summary>What a trained convolutional RBM layer makes of its inputs: for pictures and checks of a stack.</summary>
public static class ConvRbmReconstruction
{
    /// <summary>
    /// The mean-field reconstruction of <paramref name="input"/> (examples of the layer's input shape, flat or as
    /// [B, C, H, W]) by <paramref name="layer"/>, trained with <paramref name="options"/>, as [B, C, H, W], without
    /// gradients: E[v | h] at h = p(h | v), the detection units' probabilities (window softmax with probabilistic
    /// max-pooling), the same reconstruction whose squared error the trainer monitors.
    /// </summary>
    /// <exception cref="ArgumentException">The layer is not a convolutional RBM (no convolution or no saved visible bias).</exception>
    public static Tensor Of(PretrainedLayer layer, ConvRbmOptions options, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(input);
        if (layer.Convolution is null || !layer.Extras.TryGetValue("visible.bias", out var visibleBias))
            throw new ArgumentException($"Layer '{layer.Kind}' is not a convolutional RBM: it has no convolution or no saved visible bias.", nameof(layer));
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        // The model owns (and disposes) what it is given, so it gets copies of the layer's tensors.
        using var model = new ConvRbmModel(layer.Weight.clone(), layer.Bias.clone(), visibleBias.clone(), layer.InputShape, options.Visible,
            options.Padding, options.PoolSize ?? 1);
        var images = input.reshape([input.shape[0], .. layer.InputShape]);
        return model.VisibleMean(model.HiddenProbabilities(images)).MoveToOuterDisposeScope();
    }
}
