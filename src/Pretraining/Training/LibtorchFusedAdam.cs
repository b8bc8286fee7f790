using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Training;

/// <summary>
/// One Adam update of many float32 CPU parameters by libtorch's fused kernel (<c>aten::_fused_adam_</c>, what
/// PyTorch's <c>Adam(fused=True)</c> calls): a single pass over each parameter, its gradient and both moment estimates,
/// shared out over libtorch's threads.
/// </summary>
/// <remarks>
/// Why: TorchSharp 0.107 binds no fused optimizer, and libtorch's Adam as TorchSharp runs it is eight tensor operations
/// a parameter, each a pass over memory. TorchScript reaches any operator registered in libtorch, so a four-line script
/// compiled once per process calls the fused kernel. It replaced a single pass written here in C# (session 13), which
/// could only use the calling thread: a second .NET thread competed with libtorch's OpenMP workers, which spin between
/// parallel regions, while libtorch's kernel runs on those workers. Alternating epochs of the two in one process
/// (session 21), 784-500-500-10 fine-tuning ran 1.07x faster in float32 and 1.22x in bfloat16 (median of 6 pairs),
/// the DAE 784-500 1.10x and 1.04x; 1 pair of 24 was slower, by 1%. The arithmetic is PyTorch's Adam (coupled weight
/// decay, epsilon added after unbiasing the square root), so updates equal TorchSharp's Adam to float32 rounding.
/// The operator is in every libtorch since 2.4 and in the 2.10 this TorchSharp ships (a test checks). Where the script
/// fails with an error TorchSharp passes on, <see cref="Available"/> is false and the caller takes libtorch's separate
/// operations; a libtorch without the operator would not get that far, since TorchScript's "Unknown builtin op"
/// escapes TorchSharp and ends the process.
/// </remarks>
internal static class LibtorchFusedAdam
{
    private const string Script = """
        def adam(params: List[Tensor], grads: List[Tensor], first: List[Tensor], second: List[Tensor], steps: List[Tensor],
                 lr: float, beta1: float, beta2: float, weight_decay: float, eps: float):
            torch._fused_adam_(params, grads, first, second, [], steps, lr=lr, beta1=beta1, beta2=beta2,
                               weight_decay=weight_decay, eps=eps, amsgrad=False, maximize=False)
            return params[0]
        """;

    private static readonly Lazy<(jit.CompilationUnit? Unit, string? Error)> Compiled = new(Compile);

    /// <summary>Whether this libtorch offers the fused kernel (the script compiled).</summary>
    public static bool Available => Compiled.Value.Unit is not null;

    /// <summary>Why the fused kernel is not available (libtorch's message), or null where it is.</summary>
    public static string? Unavailable => Compiled.Value.Error;

    /// <summary>Whether the fused kernel can update <paramref name="parameter"/>: float32 dense contiguous tensors on the CPU, of one size.</summary>
    public static bool Applies(Tensor parameter, Tensor gradient, Tensor firstMoment, Tensor secondMoment) =>
        parameter.dtype == ScalarType.Float32 && parameter.device_type == DeviceType.CPU
        && gradient.dtype == ScalarType.Float32 && gradient.device_type == DeviceType.CPU && !gradient.is_sparse
        && firstMoment.dtype == ScalarType.Float32 && secondMoment.dtype == ScalarType.Float32
        // The kernel walks the four tensors' memory side by side.
        && parameter.is_contiguous() && gradient.is_contiguous() && firstMoment.is_contiguous() && secondMoment.is_contiguous()
        && gradient.numel() == parameter.numel();

    /// <summary>
    /// Updates every parameter and both its moments in place: m = β1·m + (1 − β1)·g, v = β2·v + (1 − β2)·g²,
    /// p −= (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε), where g is the gradient plus
    /// <paramref name="weightDecay"/>·p and t is each parameter's step count (from 1, already counted).
    /// </summary>
    public static void Step(IReadOnlyList<(Tensor Parameter, Tensor Gradient, Tensor FirstMoment, Tensor SecondMoment, long Step)> parameters,
        double learningRate, double beta1, double beta2, double epsilon, double weightDecay)
    {
        var unit = Compiled.Value.Unit ?? throw new InvalidOperationException("libtorch's fused Adam is not available; check Available first.");
        using var scope = NewDisposeScope();
        // The numbers go as Scalars made and held here until the call returns: given a double, TorchSharp's invoke makes
        // a Scalar of its own and keeps only its handle, so a collection can free it before libtorch reads it (the
        // hazard of ScalarSafeAdam's remarks; a run here died of it in libtorch's Scalar::toLong).
        using var rate = learningRate.ToScalar();
        using var firstDecay = beta1.ToScalar();
        using var secondDecay = beta2.ToScalar();
        using var decay = weightDecay.ToScalar();
        using var eps = epsilon.ToScalar();
        // The kernel reads each step count from a tensor (PyTorch keeps them as tensors so CUDA graphs can capture them).
        var updated = unit.invoke("adam", parameters.Select(p => p.Parameter).ToArray(), parameters.Select(p => p.Gradient).ToArray(),
            parameters.Select(p => p.FirstMoment).ToArray(), parameters.Select(p => p.SecondMoment).ToArray(),
            parameters.Select(p => tensor((float)p.Step)).ToArray(), rate, firstDecay, secondDecay, decay, eps);
        (updated as IDisposable)?.Dispose();
    }

    private static (jit.CompilationUnit?, string?) Compile()
    {
        try
        {
            // TorchScript wants the last line ended.
            return (jit.compile(Script + "\n"), null);
        }
        catch (Exception e) when (e is ExternalException or InvalidOperationException or ArgumentException)
        {
            return (null, e.Message);
        }
    }
}
