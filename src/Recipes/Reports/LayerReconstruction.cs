using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Layers.Autoencoders;
using Pretrain.Pretraining.Layers.ConvAutoencoders;
using Pretrain.Pretraining.Layers.ConvRbm;
using Pretrain.Pretraining.Layers.Rbm;
using static TorchSharp.torch;

namespace Pretrain.Recipes.Reports;

/// <summary>Maps a pretrained layer's hidden code back to its input space, the way the layer was trained to.</summary>
internal static class LayerReconstruction
{
    /// <summary>The reconstruction of <paramref name="input"/> [B, in] through <paramref name="layer"/>, [B, in] (a convolutional layer's images read flat).</summary>
    public static Tensor Of(PretrainedLayer layer, LayerOptions options, Tensor input)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var hidden = layer.Encode(input);
        var output = options switch
        {
            ConvAutoencoderOptions conv => ConvAutoencoderReconstruction.Of(layer, conv, input).reshape(input.shape[0], -1),
            ConvRbmOptions convRbm => ConvRbmReconstruction.Of(layer, convRbm, input).reshape(input.shape[0], -1),
            AutoencoderOptions ae => Decode(hidden, layer.Extras["decoder.weight"], layer.Extras["decoder.bias"], ae.Loss == ReconstructionLoss.BinaryCrossEntropy),
            RbmOptions rbm => Decode(hidden, layer.Weight.t(), layer.Extras["visible.bias"], rbm.Visible == VisibleUnits.Bernoulli),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options, "unknown layer kind"),
        };
        return output.MoveToOuterDisposeScope();
    }

    private static Tensor Decode(Tensor hidden, Tensor weight, Tensor bias, bool sigmoid)
    {
        var pre = nn.functional.linear(hidden, weight, bias);
        return sigmoid ? pre.sigmoid() : pre;
    }
}
