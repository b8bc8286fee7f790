namespace Pretrain.FineTuning.Networks;

/// <summary>
/// A multilayer perceptron classifier: <see cref="InputFeatures"/> inputs, the hidden layers in order, then a
/// linear head with one logit per class.
/// </summary>
/// <param name="InputFeatures">Number of input features D.</param>
/// <param name="HiddenLayers">Units per hidden layer, lowest first. Empty means softmax regression.</param>
/// <param name="ClassCount">Number of classes (logits) of the head.</param>
/// <param name="Activation">Nonlinearity after each hidden layer.</param>
/// <param name="Dropout">Dropout probability after each hidden activation (0 = none).</param>
public sealed record MlpSpec(int InputFeatures, IReadOnlyList<int> HiddenLayers, int ClassCount, ActivationKind Activation, double Dropout = 0)
{
    /// <summary>Batch normalization between each hidden linear layer and its activation. Default false.</summary>
    public bool BatchNorm { get; init; }

    /// <summary>Slope of leaky ReLU / ELU alpha / PReLU's starting slope; null for each one's default.</summary>
    public double? ActivationAlpha { get; init; }

    /// <summary>Names of the layers in order, as they appear in the module and in saved weights.</summary>
    public IEnumerable<string> LayerNames =>
        Enumerable.Range(1, HiddenLayers.Count).Select(i => $"hidden{i}").Append("head");
}
