using Pretrain.Pretraining.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Training;

/// <summary>A trained classifier's class probabilities for examples, as targets for a student (<see cref="DistillationOptions"/>).</summary>
public static class TeacherTargets
{
    /// <summary>
    /// softmax(teacher(x) / <paramref name="temperature"/>) for every row of <paramref name="features"/> (float32 [N, D],
    /// already scaled as the teacher's inputs): float32 [N, C], computed in chunks in eval mode (dropout off, batch norm
    /// on its running statistics) without gradients. The teacher is left in eval mode.
    /// </summary>
    public static Tensor Probabilities(nn.Module<Tensor, Tensor> teacher, Tensor features, double temperature, Device device)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(device);
        if (!(temperature > 0))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "the temperature must be positive.");
        teacher.eval();
        using var _ = no_grad();
        return new ChunkedEncoder().Encode(features, x => nn.functional.softmax(teacher.forward(x) / temperature, 1), device);
    }
}
