using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Layers.Autoencoders;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Layers.Autoencoders;

/// <summary>
/// The hand-derived backward pass must give autograd's loss and gradients (autograd's own are held to finite
/// differences in <see cref="AutoencoderLossTests"/>) for every setting it covers.
/// </summary>
public sealed class AutoencoderBackwardTests
{
    public static TheoryData<EncoderActivation, ReconstructionLoss, bool, bool> Settings()
    {
        var data = new TheoryData<EncoderActivation, ReconstructionLoss, bool, bool>();
        foreach (var activation in Enum.GetValues<EncoderActivation>())
        {
            foreach (var loss in Enum.GetValues<ReconstructionLoss>())
            {
                data.Add(activation, loss, true, false);
                data.Add(activation, loss, false, false);
            }
        }
        data.Add(EncoderActivation.Sigmoid, ReconstructionLoss.BinaryCrossEntropy, true, true);
        data.Add(EncoderActivation.Sigmoid, ReconstructionLoss.BinaryCrossEntropy, false, true);
        data.Add(EncoderActivation.Relu, ReconstructionLoss.MeanSquaredError, true, true);
        return data;
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void Float32_gradients_are_autograds(EncoderActivation activation, ReconstructionLoss loss, bool tied, bool sparse)
    {
        var options = new AutoencoderOptions
        {
            HiddenUnits = 7, Activation = activation, Loss = loss, TiedWeights = tied,
            SparsityTarget = sparse ? 0.1 : null, SparsityWeight = 0.3,
        };
        var (handLoss, autogradLoss, worst) = Compare(options, seed: 3);
        handLoss.Should().BeApproximately(autogradLoss, 1e-5 * Math.Max(1, Math.Abs(autogradLoss)));
        worst.Should().BeLessThan(1e-5, "every gradient element must match autograd's to float32 rounding");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Bfloat16_products_give_autograds_gradients_to_bfloat16_rounding(bool tied)
    {
        var options = new AutoencoderOptions { HiddenUnits = 7, TiedWeights = tied, Precision = Precision.BFloat16, SparsityTarget = 0.1 };
        var (handLoss, autogradLoss, worst) = Compare(options, seed: 5);
        handLoss.Should().BeApproximately(autogradLoss, 0.02 * Math.Abs(autogradLoss));
        worst.Should().BeLessThan(0.03, "bfloat16 keeps about 3 significant digits");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_batch_leaves_no_tensor_alive_past_the_callers_scope(bool sparse)
    {
        // One stray tensor a batch, left to the finalizer, fragmented the native heap: +65% resident memory in 100 epochs.
        var options = new AutoencoderOptions { HiddenUnits = 7, SparsityTarget = sparse ? 0.1 : null };
        using var generator = new Generator(1);
        using var model = new AutoencoderModel(5, options, CPU, generator);
        using var clean = rand([6, 5], generator: generator);
        using (NewDisposeScope())
            AutoencoderBackward.Run(model, options, clean, clean);
        var before = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        using (NewDisposeScope())
            AutoencoderBackward.Run(model, options, clean, clean);

        TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount.Should().Be(before);
    }

    [Fact]
    public void The_contractive_penalty_is_left_to_autograd()
    {
        AutoencoderBackward.Covers(new AutoencoderOptions { HiddenUnits = 4, ContractiveWeight = 0.1 }).Should().BeFalse();
        AutoencoderBackward.Covers(new AutoencoderOptions { HiddenUnits = 4, SparsityTarget = 0.05 }).Should().BeTrue();
    }

    /// <summary>
    /// Both losses, and the largest gradient difference relative to the largest gradient element of its parameter,
    /// over all parameters, for one batch of 6 examples of 5 features.
    /// </summary>
    private static (double Hand, double Autograd, double WorstRelativeError) Compare(AutoencoderOptions options, int seed)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed);
        using var model = new AutoencoderModel(5, options, CPU, generator);
        // Biases start at zero; random ones make the test see a bias that is wrongly dropped.
        using (no_grad())
        {
            model.Bias.copy_(randn(model.Bias.shape, generator: generator) * 0.3);
            model.DecoderBias.copy_(randn(model.DecoderBias.shape, generator: generator) * 0.3);
        }
        var clean = rand([6, 5], generator: generator);
        var corrupted = Corruption.Masking(clean, 0.3, generator);

        var (autogradTotal, _) = model.Loss(clean, corrupted);
        autogradTotal.backward();
        var expected = model.Parameters.Select(p => p.grad!.clone()).ToList();
        foreach (var parameter in model.Parameters)
            parameter.grad = null;

        var (handTotal, _) = AutoencoderBackward.Run(model, options, clean, corrupted);
        var worst = model.Parameters.Zip(expected, (p, e) =>
            (p.grad! - e).abs().max().item<float>() / Math.Max(1e-6, e.abs().max().item<float>())).Max();
        return (handTotal.item<float>(), autogradTotal.item<float>(), worst);
    }
}
