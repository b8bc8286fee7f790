using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Encoders;

/// <summary>
/// Folds an encoder's batch normalizations into its layers: with a channel's mean μ and variance σ² over calibration
/// examples, γ(Wx + b − μ)/√(σ² + ε) + β is the layer W' = W·γ/√(σ² + ε), b' = (b − μ)·γ/√(σ² + ε) + β. The stack then
/// keeps its format, and the network built from it starts with exactly the trained encoder's function.
/// </summary>
/// <remarks>
/// Why fold rather than keep the normalizations: a stack layer is a weight, a bias and an activation, and everything
/// downstream (freezing, caching, the catalog, saved networks, ONNX) reads that; the normalization in evaluation mode is
/// an affine map per channel, so nothing is lost. Statistics are gathered layer by layer, each from the folded layers
/// below it, in float64 sums over chunks (a wide first block over 10,000 images does not fit in memory at once).
/// </remarks>
internal static class NormalizationFolding
{
    private const int ChunkSize = 512;

    /// <summary>The folded weight and bias of every layer of <paramref name="encoder"/>, convolutional blocks first.</summary>
    public static List<(Tensor Weight, Tensor Bias)> Fold(AuxiliaryEncoder encoder, Tensor calibration)
    {
        if (calibration.shape[0] < 2)
            throw new ArgumentException($"encoder: folding batch normalization needs at least 2 calibration examples, received {calibration.shape[0]}.", nameof(calibration));
        var layers = encoder.NormalizedLayers;
        var folded = new List<(Tensor Weight, Tensor Bias)>();
        try
        {
            for (var layer = 0; layer < layers.Count; layer++)
            {
                using var scope = NewDisposeScope();
                var (weight, bias, scale, shift) = layers[layer];
                var (mean, variance) = Statistics(encoder, calibration, layer, folded);
                var factor = scale.to(ScalarType.Float64) / (variance + AuxiliaryEncoder.NormalizationEpsilon).sqrt();
                var broadcast = weight.dim() == 4 ? new long[] { -1, 1, 1, 1 } : [-1, 1];
                var foldedWeight = (weight.to(ScalarType.Float64) * factor.view(broadcast)).to(weight.dtype);
                var foldedBias = ((bias.to(ScalarType.Float64) - mean) * factor + shift.to(ScalarType.Float64)).to(bias.dtype);
                folded.Add((foldedWeight.MoveToOuterDisposeScope(), foldedBias.MoveToOuterDisposeScope()));
            }
            return folded;
        }
        catch
        {
            foreach (var (weight, bias) in folded)
            {
                weight.Dispose();
                bias.Dispose();
            }
            throw;
        }
    }

    /// <summary>Mean and (biased) variance per channel or unit of layer <paramref name="layer"/>'s pre-activations, in float64.</summary>
    private static (Tensor Mean, Tensor Variance) Statistics(AuxiliaryEncoder encoder, Tensor calibration, int layer, List<(Tensor Weight, Tensor Bias)> below)
    {
        var (weight, bias, _, _) = encoder.NormalizedLayers[layer];
        var sum = zeros([weight.shape[0]], ScalarType.Float64, weight.device);
        var squares = zeros([weight.shape[0]], ScalarType.Float64, weight.device);
        var count = 0L;
        for (var start = 0L; start < calibration.shape[0]; start += ChunkSize)
        {
            using var chunkScope = NewDisposeScope();
            var h = encoder.Embed(calibration.narrow(0, start, Math.Min(ChunkSize, calibration.shape[0] - start)).to(weight.device));
            for (var lower = 0; lower < layer; lower++)
                h = encoder.Activated(lower, encoder.PreActivation(lower, h, below[lower].Weight, below[lower].Bias));
            var z = encoder.PreActivation(layer, h, weight, bias).to(ScalarType.Float64);
            var dimensions = z.dim() == 4 ? new long[] { 0, 2, 3 } : [0];
            sum.add_(z.sum(dimensions));
            squares.add_(z.square().sum(dimensions));
            count += z.numel() / weight.shape[0];
        }
        var mean = sum / count;
        var variance = (squares / count - mean.square()).clamp_min(0);
        return (mean, variance);
    }
}
