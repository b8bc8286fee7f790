using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Training;

/// <summary>
/// A real learner for checkpoint tests: y = 2x + 1 + noise fitted by SGD with momentum on shuffled minibatches, with
/// noise drawn every batch, so an exact resume needs the weights, the optimizer's momentum and both generators.
/// </summary>
internal sealed class LinearRegressionBody : IDisposable
{
    private readonly Tensor _x;
    private readonly Tensor _y;
    private readonly TorchSharp.Modules.Parameter _weight;
    private readonly TorchSharp.Modules.Parameter _bias;
    private readonly optim.Optimizer _optimizer;
    private readonly Generator _shuffle;
    private readonly Generator _noise;

    public LinearRegressionBody(RunContext context, ulong initSeed)
    {
        using (var data = new Generator(7))
        {
            _x = randn([96, 1], generator: data).DetachFromDisposeScope();
            _y = (_x * 2 + 1).DetachFromDisposeScope();
        }
        using (var init = new Generator(initSeed))
        {
            _weight = new TorchSharp.Modules.Parameter(randn([1, 1], generator: init));
            _bias = new TorchSharp.Modules.Parameter(randn([1], generator: init));
        }
        _optimizer = optim.SGD([_weight, _bias], 0.05, momentum: 0.9);
        _shuffle = context.CreateGenerator(RandomStream.SupervisedShuffle);
        _noise = context.CreateGenerator(RandomStream.AuxiliaryCorruption);
        Body = new EpochBody(new Dictionary<string, Tensor> { ["weight"] = _weight, ["bias"] = _bias }, RunEpoch, "linear regression, SGD 0.05 momentum 0.9")
        {
            Optimizer = _optimizer,
            Generators = new Dictionary<string, Generator> { ["shuffle"] = _shuffle, ["noise"] = _noise },
        };
    }

    public EpochBody Body { get; }

    public float[] Parameters => [_weight.item<float>(), _bias.item<float>()];

    private Dictionary<string, double> RunEpoch(int epoch, Action onBatchEnd)
    {
        using var order = randperm(_x.shape[0], generator: _shuffle);
        double total = 0;
        for (long start = 0; start < _x.shape[0]; start += 16)
        {
            using var scope = NewDisposeScope();
            var rows = order.narrow(0, start, 16);
            var noisy = _y.index_select(0, rows) + randn([16, 1], generator: _noise) * 0.1;
            _optimizer.zero_grad();
            var loss = (_x.index_select(0, rows).matmul(_weight.t()) + _bias - noisy).pow(2).mean();
            loss.backward();
            _optimizer.step();
            total += loss.item<float>();
            onBatchEnd();
        }
        return new Dictionary<string, double> { ["loss"] = total / 6 };
    }

    public void Dispose()
    {
        _optimizer.Dispose();
        _shuffle.Dispose();
        _noise.Dispose();
        _x.Dispose();
        _y.Dispose();
        _weight.Dispose();
        _bias.Dispose();
    }
}
