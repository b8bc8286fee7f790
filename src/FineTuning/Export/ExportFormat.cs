namespace Pretrain.FineTuning.Export;

/// <summary>The file formats a saved network can be exported to.</summary>
public enum ExportFormat
{
    /// <summary>An ONNX model (<c>.onnx</c>) that takes raw inputs: scaling, layers and softmax in one graph.</summary>
    Onnx,
    /// <summary>The module's state as safetensors (<c>.safetensors</c>), PyTorch's names and <c>[out, in]</c> layout.</summary>
    SafeTensors,
    /// <summary>The module's state as a NumPy archive (<c>.npz</c>), one array per tensor.</summary>
    Npz,
}
