using Pretrain.Pretraining.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Training;

/// <summary>ScalarSafeAdam must be TorchSharp's Adam, step for step, with only the scalars' lifetimes changed.</summary>
public sealed class ScalarSafeAdamTests
{
    private static (Parameter W, Parameter B) Weights()
    {
        using var g = new Generator(3);
        return (new Parameter(randn([4, 3], generator: g)), new Parameter(randn([4], generator: g)));
    }

    /// <summary>Ten steps of least squares on fixed data; returns the weights after them.</summary>
    private static float[] Train(Func<Parameter, Parameter, optim.Optimizer> create, int steps = 10)
    {
        var (w, b) = Weights();
        using var g = new Generator(5);
        using var x = randn([16, 3], generator: g);
        using var y = randn([16, 4], generator: g);
        using var optimizer = create(w, b);
        for (var i = 0; i < steps; i++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            nn.functional.linear(x, w, b).sub(y).square().mean().backward();
            optimizer.step();
        }
        return [.. w.data<float>().ToArray(), .. b.data<float>().ToArray()];
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.01)]
    public void Steps_are_identical_to_TorchSharps_Adam(double weightDecay)
    {
        var reference = Train((w, b) => optim.Adam([w, b], 0.05, weight_decay: weightDecay));
        var safe = Train((w, b) => new ScalarSafeAdam([w, b], 0.05, weightDecay));

        safe.Should().Equal(reference);
        safe.Should().NotEqual(Train((w, b) => new ScalarSafeAdam([w, b], 0.05, weightDecay), steps: 0), "the weights moved");
    }

    [Fact]
    public void Per_group_rates_match_TorchSharps_parameter_groups()
    {
        var reference = Train((w, b) => optim.Adam([new Adam.ParamGroup([w], 0.05), new Adam.ParamGroup([b], 0.005)]));
        var safe = Train((w, b) => new ScalarSafeAdam([([w], 0.05), ([b], 0.005)]));

        safe.Should().Equal(reference);
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
