using System.Text.Json.Serialization;

namespace Pretrain.Pretraining.Layers;

/// <summary>
/// Arithmetic precision of training. Parameters and optimizer state always stay float32; with
/// <see cref="BFloat16"/> the large matrix products run in bfloat16 (about 2x to 4x faster on CPUs with
/// AVX512-BF16 and on recent GPUs), which costs a little accuracy: measure it for your data.
/// </summary>
public enum Precision
{
    /// <summary>Everything in float32 (default).</summary>
    [JsonStringEnumMemberName("float32")]
    Float32,
    /// <summary>
    /// Matrix products in bfloat16 (and, in fine-tuning, the activations between a linear layer and the next); master
    /// weights, gradients, optimizer state and losses in float32.
    /// </summary>
    [JsonStringEnumMemberName("bfloat16")]
    BFloat16,
}
