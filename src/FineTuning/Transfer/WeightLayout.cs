namespace Pretrain.FineTuning.Transfer;

/// <summary>How a framework stores a dense layer's weight matrix.</summary>
public enum WeightLayout
{
    /// <summary><c>[out, in]</c>: PyTorch's <c>nn.Linear.weight</c>, TorchSharp, Pretrain.</summary>
    OutIn,
    /// <summary><c>[in, out]</c>: Keras/TensorFlow <c>Dense.kernel</c>, many NumPy codes (<c>x @ W</c>).</summary>
    InOut,
}
