using System.Text.RegularExpressions;
using Pretrain.FineTuning.Networks;
using Pretrain.Pretraining;
using Pretrain.Pretraining.Layers;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Transfer;

/// <summary>
/// Works out the network a set of mapped tensors describes: <c>hidden1.weight</c> .. <c>hiddenK.weight</c> and
/// <c>head.weight</c> give the layers, any <c>bnN.*</c> tensor means batch normalization. Kernels <c>[C', C, k, k]</c>
/// (4-D, lowest first) are convolutional blocks, matrices <c>[out, in]</c> dense layers. What a weight file does not
/// say comes from <see cref="ImportOptions"/>: the activation, and for a CNN the image shape and each block's stride,
/// padding and pooling, which the first dense layer's width then checks.
/// </summary>
internal static partial class ImportArchitecture
{
    public static MlpSpec Infer(string file, IReadOnlyDictionary<string, Tensor> mapped, ImportOptions options)
    {
        var hidden = mapped.Keys.Select(k => HiddenWeight().Match(k)).Where(m => m.Success)
            .Select(m => int.TryParse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : -1).Order().ToList();
        if (!mapped.TryGetValue("head.weight", out var head))
            throw new PretrainException($"{file}: no tensor maps to head.weight, so the output layer is unknown; mapped names are {Names(mapped)}. Map the last linear layer's weight to head.weight.");
        for (var i = 0; i < hidden.Count; i++)
        {
            if (hidden[i] != i + 1)
                throw new PretrainException($"{file}: hidden layers must be numbered hidden1, hidden2, ... without gaps; the mapped names give {string.Join(", ", hidden.Select(h => $"hidden{h}"))}.");
        }
        var weights = hidden.Select(h => ($"hidden{h}.weight", mapped[$"hidden{h}.weight"])).Append(("head.weight", head)).ToList();
        var convolutions = Math.Min(weights.TakeWhile(w => w.Item2.dim() == 4).Count(), weights.Count - 1);
        for (var i = 0; i < weights.Count; i++)
        {
            var (name, weight) = weights[i];
            if (weight.shape.Any(d => d <= 0 || d > int.MaxValue))
                throw new PretrainException($"{file}: {name} has shape [{string.Join(", ", weight.shape)}]; expected positive sizes.");
            if (i < convolutions && weight.shape[2] != weight.shape[3])
                throw new PretrainException($"{file}: {name} has {weight.shape[2]}x{weight.shape[3]} kernels; only square kernels [out, in, k, k] are supported.");
            if (i >= convolutions && weight.dim() == 4)
                throw new PretrainException($"{file}: {name} is a convolution kernel [{string.Join(", ", weight.shape)}] above a dense layer; convolutional layers come first.");
            if (i >= convolutions && weight.dim() != 2)
                throw new PretrainException($"{file}: {name} must be a 2-D [out, in] matrix or, below the dense layers, a 4-D [out, in, k, k] kernel; received [{string.Join(", ", weight.shape)}].");
            if (i > 0 && i != convolutions && weight.shape[1] != weights[i - 1].Item2.shape[0])
                throw new PretrainException($"{file}: {name} takes {weight.shape[1]} inputs but {weights[i - 1].Item1} gives {weights[i - 1].Item2.shape[0]} outputs ([{string.Join(", ", weight.shape)}] after [{string.Join(", ", weights[i - 1].Item2.shape)}], both [out, in]); check the mappings' layout.");
        }
        if (head.shape[0] < 2)
            throw new PretrainException($"{file}: head.weight has {head.shape[0]} output; a classifier needs at least 2 classes.");
        var dense = weights.Skip(convolutions).ToList();
        var spec = new MlpSpec((int)dense[0].Item2.shape[1], dense.SkipLast(1).Select(w => (int)w.Item2.shape[0]).ToArray(), (int)head.shape[0], options.Activation)
        {
            ActivationAlpha = options.ActivationAlpha,
            BatchNorm = mapped.Keys.Any(k => k.StartsWith("bn", StringComparison.Ordinal)),
        };
        if (convolutions == 0)
        {
            if (options.Convolutions is { Count: > 0 })
                throw new PretrainException($"--conv: {file} holds no convolution kernels (4-D hidden weights), so there is no block to apply it to.");
            return spec;
        }
        return WithConvolutions(file, spec, weights.Take(convolutions).ToList(), dense[0], options);
    }

    /// <summary>The CNN: <paramref name="spec"/>'s dense layers above the <paramref name="kernels"/>, checked against the first dense layer's width.</summary>
    private static MlpSpec WithConvolutions(string file, MlpSpec spec, List<(string Name, Tensor Weight)> kernels, (string Name, Tensor Weight) firstDense, ImportOptions options)
    {
        var channels = kernels[0].Weight.shape[1];
        if (options.InputShape is not { Count: 3 } image || image[0] != channels || image.Any(d => d <= 0))
            throw new PretrainException($"--input-shape: {kernels[0].Name} [{string.Join(", ", kernels[0].Weight.shape)}] takes images of {channels} channels; give their shape C,H,W (e.g. {channels},28,28), received [{string.Join(", ", options.InputShape ?? [])}].");
        var blocks = options.Convolutions is { Count: > 0 } given ? given : Enumerable.Repeat(new ImportedConvolution(), kernels.Count).ToList();
        if (blocks.Count != kernels.Count)
            throw new PretrainException($"--conv: {file} holds {kernels.Count} convolutional blocks ({string.Join(", ", kernels.Select(k => k.Name))}); received {blocks.Count} --conv options.");
        var cnn = spec with { InputFeatures = (int)image.Aggregate(1L, (a, b) => a * b) };
        cnn = cnn with
        {
            ImageShape = image.ToArray(),
            Convolutions = kernels.Zip(blocks, (k, b) => new ConvLayerSpec((int)k.Weight.shape[0], new ConvolutionGeometry((int)k.Weight.shape[2], b.Stride, b.Padding, b.PoolSize))).ToArray(),
        };
        IReadOnlyList<long[]> shapes;
        try
        {
            shapes = cnn.ConvolutionShapes();
        }
        catch (ArgumentException e)
        {
            throw new PretrainException($"{file}: {e.Message.TrimEnd('.')}; check --input-shape and --conv.", e);
        }
        var flat = shapes[^1].Aggregate(1L, (a, b) => a * b);
        if (firstDense.Weight.shape[1] != flat)
            throw new PretrainException($"{file}: {firstDense.Name} takes {firstDense.Weight.shape[1]} inputs but the convolutions give {flat} (images [{string.Join(", ", shapes[^1])}] flattened); check --input-shape and --conv.");
        return cnn;
    }

    private static string Names(IReadOnlyDictionary<string, Tensor> mapped) =>
        mapped.Count == 0 ? "none" : string.Join(", ", mapped.Keys.Order(StringComparer.Ordinal));

    [GeneratedRegex(@"^hidden(\d+)\.weight$")]
    private static partial Regex HiddenWeight();
}
