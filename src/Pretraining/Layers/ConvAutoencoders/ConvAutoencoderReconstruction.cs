using static TorchSharp.torch;

namespace Pretrain.Pretraining.Layers.ConvAutoencoders;

/// <summary>What a trained convolutional autoencoder layer makes of its inputs: for pictures and checks of a stack.</summary>
public static class ConvAutoencoderReconstruction
{
    /// <summary>
    /// The reconstruction of <paramref name="input"/> (examples of the layer's input shape, flat or as [B, C, H, W]) by
    /// <paramref name="layer"/>, trained with <paramref name="options"/>, as [B, C, H, W], without gradients: encoder,
    /// pooling, unpooling and decoder as in training, sigmoid outputs for a cross-entropy layer.
    /// </summary>
    /// <exception cref="ArgumentException">The layer is not a convolutional autoencoder (no convolution or no decoder saved).</exception>
    public static Tensor Of(PretrainedLayer layer, ConvAutoencoderOptions options, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(input);
        if (layer.Convolution is null || !layer.Extras.TryGetValue("decoder.weight", out var kernels) || !layer.Extras.TryGetValue("decoder.bias", out var decoderBias))
            throw new ArgumentException($"Layer '{layer.Kind}' is not a convolutional autoencoder: it has no convolution or no saved decoder.", nameof(layer));
        using var _ = no_grad();
        using var images = input.reshape([input.shape[0], .. layer.InputShape]);
        return ConvAutoencoderModel.Reconstruct(options, layer.InputShape, layer.Weight, layer.Bias, kernels, decoderBias, images);
    }
}
