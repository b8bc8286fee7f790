using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Training;

/// <summary>
/// Adam (Kingma and Ba, 2015) with the same state, parameter groups, options and saved state as TorchSharp's
/// <see cref="Adam"/>, but a step that creates its scalar arguments itself and keeps each alive until the native
/// calls that read it have returned, and that updates float32 CPU parameters in one fused pass.
/// </summary>
/// <remarks>
/// Why: TorchSharp turns a <c>double</c> argument such as <c>mul_(beta1)</c> into a <see cref="Scalar"/> that owns
/// native memory and is freed by its finalizer, and passes only its handle to libtorch. Nothing then keeps the managed
/// object alive during the native call, so a garbage collection started by another thread can finalize it while libtorch
/// is still reading it (dotnet/TorchSharp issues 1434 and 1496). Runs here died in Adam's step with libtorch's
/// "Unknown scalar type", and some weights turned NaN without any trend in the loss. Scalars created here live in
/// <c>using</c> variables, which hold them until the end of the step.
/// Float32 parameters on the CPU take libtorch's fused kernel instead (<see cref="LibtorchFusedAdam"/>: one pass over
/// each parameter, equal to float32 rounding); others, and every parameter on a GPU, take libtorch's operations.
/// AMSGrad and maximize are not offered: nothing in Pretrain asks for them.
/// </remarks>
public sealed class ScalarSafeAdam : Adam
{
    /// <summary>One parameter group at <paramref name="learningRate"/>.</summary>
    public ScalarSafeAdam(IEnumerable<Parameter> parameters, double learningRate, double weightDecay = 0)
        : base(parameters, learningRate, weight_decay: weightDecay)
    {
    }

    /// <summary>One optimizer group per entry, each with its own learning rate.</summary>
    public ScalarSafeAdam(IEnumerable<(IEnumerable<Parameter> Parameters, double LearningRate)> groups, double weightDecay = 0)
        : base(groups.Select(g => new ParamGroup(g.Parameters, g.LearningRate, weight_decay: weightDecay)).ToList(),
            groups.Select(g => g.LearningRate).DefaultIfEmpty(1e-3).First(), weight_decay: weightDecay)
    {
    }

    /// <summary>
    /// Releases the gradients instead of zeroing them, as PyTorch's <c>zero_grad(set_to_none=True)</c> (its default) does:
    /// the next backward pass then gives each parameter its freshly computed gradient instead of adding it into a zeroed
    /// buffer, which saves a fill and an addition over every parameter each batch. As in PyTorch, a parameter that gets no
    /// gradient in a step is then left alone by it rather than moved by its moments alone.
    /// </summary>
    public override void zero_grad()
    {
        foreach (var group in _parameter_groups)
            foreach (var parameter in group.Parameters)
                if (parameter.grad is { } gradient)
                {
                    parameter.grad = null;
                    gradient.Dispose();
                }
    }

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = (Options)group.Options;
        var (beta1, beta2) = (options.beta1!.Value, options.beta2!.Value);
        var weightDecay = options.weight_decay!.Value;
        var learningRate = options.LearningRate!.Value;
        var fused = new List<(Tensor, Tensor, Tensor, Tensor, long)>();
        var unfused = new List<(Parameter Parameter, Tensor Gradient, State State)>();
        foreach (var parameter in group.Parameters)
        {
            if (parameter.grad is not { } gradient)
                continue;
            var state = (State)_state[parameter.Handle];
            state.step += 1;
            if (LibtorchFusedAdam.Available && LibtorchFusedAdam.Applies(parameter, gradient, state.exp_avg, state.exp_avg_sq))
                fused.Add((parameter, gradient, state.exp_avg, state.exp_avg_sq, state.step));
            else
                unfused.Add((parameter, gradient, state));
        }
        if (fused.Count > 0)
            LibtorchFusedAdam.Step(fused, learningRate, beta1, beta2, options.eps!.Value, weightDecay);
        if (unfused.Count > 0)
            StepWithLibtorch(unfused, learningRate, beta1, beta2, options.eps!.Value, weightDecay);
    }, closure);

    /// <summary>Adam's update through libtorch's operations, for what the fused pass does not take (GPU, float64, ...).</summary>
    private static void StepWithLibtorch(List<(Parameter Parameter, Tensor Gradient, State State)> parameters, double learningRate,
        double beta1, double beta2, double eps, double weightDecay)
    {
        // Scalars made here, held by using variables to the end of the step (see the remarks above).
        using var beta1Scalar = beta1.ToScalar();
        using var beta2Scalar = beta2.ToScalar();
        using var gradientShare = (1 - beta1).ToScalar();
        using var squareShare = (1 - beta2).ToScalar();
        using var epsilon = eps.ToScalar();
        using var decay = weightDecay.ToScalar();
        foreach (var (parameter, grad, state) in parameters)
        {
            using var scope = NewDisposeScope();
            var gradient = grad;
            var firstCorrection = 1 - Math.Pow(beta1, state.step);
            var secondCorrection = 1 - Math.Pow(beta2, state.step);
            if (weightDecay != 0)
                gradient = gradient.add(parameter, alpha: decay);
            state.exp_avg.mul_(beta1Scalar).add_(gradient, alpha: gradientShare);
            state.exp_avg_sq.mul_(beta2Scalar).addcmul_(gradient, gradient, value: squareShare);
            using var unbias = Math.Sqrt(secondCorrection).ToScalar();
            using var stepSize = (-learningRate / firstCorrection).ToScalar();
            var denominator = state.exp_avg_sq.sqrt().div_(unbias).add_(epsilon);
            parameter.addcdiv_(state.exp_avg, denominator, value: stepSize);
        }
    }
}
