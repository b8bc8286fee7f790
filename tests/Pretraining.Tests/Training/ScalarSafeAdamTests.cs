using Pretrain.Pretraining.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Training;

/// <summary>
/// ScalarSafeAdam must be TorchSharp's Adam, step for step: bit for bit where it runs libtorch's operations (float64
/// here), to float32 rounding where it takes libtorch's fused kernel (float32 on the CPU).
/// </summary>
public sealed class ScalarSafeAdamTests
{
    [Fact]
    public void This_libtorch_offers_the_fused_kernel()
    {
        // Without it every float32 step would silently fall back to the eight separate operations, 1.1-1.2x slower.
        LibtorchFusedAdam.Available.Should().BeTrue(LibtorchFusedAdam.Unavailable);
    }

    [Fact]
    public void The_fused_kernel_updates_every_parameter_it_is_given_by_its_own_step_count()
    {
        using var generator = new Generator(4);
        var (p, g) = (randn([7], generator: generator), randn([7], generator: generator));
        var (q, h) = (randn([3, 2], generator: generator), randn([3, 2], generator: generator));
        var (p0, q0) = (p.clone(), q.clone());
        var (m, v, n, w) = (zeros(7), zeros(7), zeros([3, 2]), zeros([3, 2]));
        // A second parameter at step 3 with moments already moved: its bias corrections are not the first step's.
        n.fill_(0.2f);
        w.fill_(0.04f);

        LibtorchFusedAdam.Step([(p, g, m, v, 1), (q, h, n, w, 3)], 0.1, 0.9, 0.999, 1e-8, 0.0);

        var firstMoment = 0.9 * 0.2 + 0.1 * h.to(ScalarType.Float64);
        var secondMoment = 0.999 * 0.04 + 0.001 * h.to(ScalarType.Float64).square();
        var expected = q0.to(ScalarType.Float64) - 0.1 / (1 - Math.Pow(0.9, 3)) * firstMoment
            / (secondMoment.sqrt() / Math.Sqrt(1 - Math.Pow(0.999, 3)) + 1e-8);
        (q.to(ScalarType.Float64) - expected).abs().max().item<double>().Should().BeLessThan(1e-6);
        // At step 1 Adam moves every weight by the rate against its gradient's sign.
        (p0 - p).to(ScalarType.Float64).sub(g.sign().to(ScalarType.Float64) * 0.1).abs().max().item<double>().Should().BeLessThan(1e-5);
    }

    private static (Parameter W, Parameter B) Weights(ScalarType dtype = ScalarType.Float32)
    {
        using var g = new Generator(3);
        return (new Parameter(randn([4, 3], generator: g).to(dtype)), new Parameter(randn([4], generator: g).to(dtype)));
    }

    /// <summary>Ten steps of least squares on fixed data; returns the weights after them.</summary>
    private static double[] Train(Func<Parameter, Parameter, optim.Optimizer> create, int steps = 10, ScalarType dtype = ScalarType.Float32)
    {
        var (w, b) = Weights(dtype);
        using var g = new Generator(5);
        using var x = randn([16, 3], generator: g).to(dtype);
        using var y = randn([16, 4], generator: g).to(dtype);
        using var optimizer = create(w, b);
        for (var i = 0; i < steps; i++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            nn.functional.linear(x, w, b).sub(y).square().mean().backward();
            optimizer.step();
        }
        using var weights = cat([w.detach().flatten(), b.detach().flatten()]).to(ScalarType.Float64);
        return weights.data<double>().ToArray();
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.01)]
    public void Steps_with_libtorchs_operations_are_identical_to_TorchSharps_Adam(double weightDecay)
    {
        var reference = Train((w, b) => optim.Adam([w, b], 0.05, weight_decay: weightDecay), dtype: ScalarType.Float64);
        var safe = Train((w, b) => new ScalarSafeAdam([w, b], 0.05, weightDecay), dtype: ScalarType.Float64);

        safe.Should().Equal(reference);
        safe.Should().NotEqual(Train((w, b) => new ScalarSafeAdam([w, b], 0.05, weightDecay), steps: 0, dtype: ScalarType.Float64), "the weights moved");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.01)]
    public void Fused_float32_steps_match_TorchSharps_Adam_to_rounding(double weightDecay)
    {
        var reference = Train((w, b) => optim.Adam([w, b], 0.05, weight_decay: weightDecay));
        var fused = Train((w, b) => new ScalarSafeAdam([w, b], 0.05, weightDecay));
        var start = Train((w, b) => new ScalarSafeAdam([w, b], 0.05, weightDecay), steps: 0);

        // Ten steps of 0.05 move each weight by up to 0.5; float32 rounding of a different order of operations stays
        // near 1e-7 a step.
        fused.Zip(reference, (a, r) => Math.Abs(a - r)).Max().Should().BeLessThan(1e-5);
        fused.Zip(start, (a, s) => Math.Abs(a - s)).Max().Should().BeGreaterThan(0.1, "the weights moved");
    }

    [Fact]
    public void A_fused_step_equals_Adam_computed_in_float64()
    {
        // One parameter longer than one vector register and not a multiple of it, with weight decay, over five steps.
        using var generator = new Generator(9);
        using var start = randn([1027], generator: generator);
        using var gradients = randn([5, 1027], generator: generator);
        using var parameter = new Parameter(start.clone());
        using var optimizer = new ScalarSafeAdam([parameter], 0.01, weightDecay: 0.1);
        var (p, m, v) = (start.to(ScalarType.Float64), zeros(1027, dtype: ScalarType.Float64), zeros(1027, dtype: ScalarType.Float64));
        for (var t = 1; t <= 5; t++)
        {
            parameter.grad = gradients[t - 1].clone();
            optimizer.step();
            var g = gradients[t - 1].to(ScalarType.Float64) + 0.1 * p;
            m = 0.9 * m + 0.1 * g;
            v = 0.999 * v + 0.001 * g * g;
            p = p - 0.01 / (1 - Math.Pow(0.9, t)) * m / (v.sqrt() / Math.Sqrt(1 - Math.Pow(0.999, t)) + 1e-8);
        }

        (parameter.detach().to(ScalarType.Float64) - p).abs().max().item<double>().Should().BeLessThan(1e-6);
        (parameter.detach().to(ScalarType.Float64) - start.to(ScalarType.Float64)).abs().max().item<double>().Should().BeGreaterThan(0.01);
    }

    [Fact]
    public void Per_group_rates_match_TorchSharps_parameter_groups()
    {
        var reference = Train((w, b) => optim.Adam([new Adam.ParamGroup([w], 0.05), new Adam.ParamGroup([b], 0.005)]), dtype: ScalarType.Float64);
        var safe = Train((w, b) => new ScalarSafeAdam([([w], 0.05), ([b], 0.005)]), dtype: ScalarType.Float64);
        var fused = Train((w, b) => new ScalarSafeAdam([([w], 0.05), ([b], 0.005)]));

        safe.Should().Equal(reference);
        fused.Zip(reference, (a, r) => Math.Abs(a - r)).Max().Should().BeLessThan(1e-5);
    }

    [Fact]
    public void Its_saved_state_continues_the_same_run_in_another_instance()
    {
        var (w, b) = Weights();
        using var g = new Generator(5);
        using var x = randn([16, 3], generator: g);
        using var y = randn([16, 4], generator: g);
        void Step(optim.Optimizer optimizer)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            nn.functional.linear(x, w, b).sub(y).square().mean().backward();
            optimizer.step();
        }
        using var first = new ScalarSafeAdam([w, b], 0.05);
        Step(first);
        Step(first);
        using var saved = new MemoryStream();
        using (var writer = new BinaryWriter(saved, System.Text.Encoding.UTF8, leaveOpen: true))
            first.save_state_dict(writer);
        var (w0, b0) = (w.detach().clone(), b.detach().clone());
        Step(first);
        var expected = w.data<float>().ToArray();

        using (no_grad())
        {
            w.copy_(w0);
            b.copy_(b0);
        }
        using var second = new ScalarSafeAdam([w, b], 0.05);
        saved.Position = 0;
        using (var reader = new BinaryReader(saved))
            second.load_state_dict(reader);
        Step(second);

        w.data<float>().ToArray().Should().Equal(expected);
    }
}
