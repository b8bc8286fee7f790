using Pretrain.Pretraining.Tests.Support;
using Pretrain.Auxiliary.Corruptions;
using Pretrain.Auxiliary.Encoders;
using Pretrain.Auxiliary.Tasks;
using Pretrain.FineTuning.Augmentation;
using Pretrain.FineTuning.Networks;
using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Runtime;
using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Tests.Tasks;

/// <summary>Contrastive (SimCLR) pretraining: the NT-Xent loss, convolutional encoders and augmented views.</summary>
public sealed class ContrastiveTaskTests
{
    private static readonly RunContext Context = RunContext.Create(DeviceSpec.Parse("cpu"), seed: 5);

    private static EncoderSpec ConvSpec => new()
    {
        Inputs = 64, ImageShape = [1, 8, 8], HiddenLayers = [8], Activation = EncoderActivation.Relu,
        Convolutions = [new ConvLayerSpec(4, new ConvolutionGeometry(3, Padding: 1, PoolSize: 2))],
    };

    [Fact]
    public void The_NT_Xent_loss_is_low_when_partners_match_and_its_gradient_matches_finite_differences()
    {
        using var g = new Generator(1);
        using var distinct = randn([6, 5], generator: g);
        using var matched = cat([distinct, distinct + 0.01 * randn([6, 5], generator: g)]);
        using var shuffled = cat([distinct, distinct.roll(1, 0)]);

        NtXentLoss.Compute(matched, 0.1).item<float>().Should().BeLessThan(NtXentLoss.Compute(shuffled, 0.1).item<float>());
        NtXentLoss.Matched(matched, 0.5).Should().Be(12);

        using var z = randn([8, 3], dtype: ScalarType.Float64, generator: g);
        GradientCheck.MaxRelativeError(a => NtXentLoss.Compute(a[0], 0.5), [z]).Should().BeLessThan(1e-7);
    }

    [Fact]
    public void Bad_inputs_to_the_loss_are_refused_with_what_was_expected()
    {
        using var odd = randn(5, 3);
        FluentActions.Invoking(() => NtXentLoss.Compute(odd, 0.5)).Should().Throw<ArgumentException>().WithMessage("*expected two views*5 rows*");
        using var even = randn(6, 3);
        FluentActions.Invoking(() => NtXentLoss.Compute(even, 0)).Should().Throw<ArgumentException>().WithMessage("*temperature must be positive*");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_convolutional_encoder_learns_to_match_augmented_views_of_the_same_image(bool batchNorm)
    {
        using var data = Shapes(600, seed: 2);
        using var g = new Generator(3);
        using var encoder = new AuxiliaryEncoder(ConvSpec with { BatchNorm = batchNorm }, CPU, g);
        var views = new AugmentedView(new ImageAugmentationOptions { Shift = 1, Brightness = 0.2 }, [1, 8, 8]);
        using var task = new SameDifferentTask(views, 8, PairLoss.NtXent, 1, CPU, g, new ContrastiveSettings { Temperature = 0.5, ProjectionHidden = 16, ProjectionSize = 8 });

        var history = new AuxiliaryTrainer(new AuxiliaryTrainingOptions { Epochs = 15, BatchSize = 64, LearningRate = 0.01 }).Fit(task, encoder, data, null, Context);

        history[^1].Loss.Should().BeLessThan(history[0].Loss * 0.8, string.Join(" ", history.Select(h => $"{h.Loss:F3}/{h.HeldOutScore:F3}")));
        history[^1].HeldOutScore.Should().BeGreaterThan(0.3, "held-out views find their partner among 2N-1 far more often than chance");
        task.HeadParameters.Should().HaveCount(4, "the projection head's two layers train with the encoder and stay behind");
        encoder.Parameters.Should().HaveCount(batchNorm ? 8 : 4, "a normalization's scale and shift per layer train with the encoder");
    }

    [Fact]
    public void A_batch_normalized_projection_head_on_a_cosine_schedule_learns_and_its_gradients_match_finite_differences()
    {
        using var data = Shapes(600, seed: 2);
        using var g = new Generator(3);
        using var encoder = new AuxiliaryEncoder(ConvSpec, CPU, g);
        var views = new AugmentedView(new ImageAugmentationOptions { Shift = 1, Brightness = 0.2 }, [1, 8, 8]);
        var settings = new ContrastiveSettings { Temperature = 0.5, ProjectionHidden = 16, ProjectionSize = 8, ProjectionBatchNorm = true };
        using var task = new SameDifferentTask(views, 8, PairLoss.NtXent, 1, CPU, g, settings);
        task.HeadParameters.Should().HaveCount(6, "the batch normalization's scale and shift train with the head");

        var options = new AuxiliaryTrainingOptions { Epochs = 15, BatchSize = 64, LearningRate = 0.01, Schedule = FineTuning.Training.LearningRateSchedule.Cosine };
        var history = new AuxiliaryTrainer(options).Fit(task, encoder, data, null, Context);

        history[^1].Loss.Should().BeLessThan(history[0].Loss * 0.8, string.Join(" ", history.Select(h => $"{h.Loss:F3}/{h.HeldOutScore:F3}")));
        history[^1].HeldOutScore.Should().BeGreaterThan(0.3);

        // The head's forward pass in float64, its input gradient against central differences.
        using var head = new ProjectionHead(5, 4, 3, CPU, g, batchNorm: true, ScalarType.Float64);
        using var x = randn([6, 5], dtype: ScalarType.Float64, generator: g);
        using var weights = randn([6, 3], dtype: ScalarType.Float64, generator: g);
        GradientCheck.MaxRelativeError(a => (head.Forward(a[0]) * weights).sum(), [x]).Should().BeLessThan(1e-7);
    }

    [Fact]
    public void A_convolutional_encoder_hands_its_blocks_and_dense_layers_to_the_stack_and_the_network()
    {
        using var g = new Generator(4);
        using var encoder = new AuxiliaryEncoder(ConvSpec, CPU, g);
        using var x = rand([5, 64], generator: g);

        using var stack = encoder.ToStack([8, 8], null, "auxiliary:sameDifferent");
        using var expected = encoder.Forward(x);
        using var encoded = stack.Encode(x);

        stack.Layers.Select(l => l.Convolution is not null).Should().Equal(true, false);
        stack.Layers[0].OutputShape.Should().Equal(4, 4, 4);
        encoded.allclose(expected, rtol: 1e-5, atol: 1e-6).Should().BeTrue();
        encoder.State.Keys.Should().Equal("hidden1.weight", "hidden1.bias", "hidden2.weight", "hidden2.bias");
        using var network = StackNetwork.Build(stack, 3, g);
        network.state_dict()["hidden1.weight"].Identical(encoder.ConvolutionWeights[0]).Should().BeTrue();
    }

    [Fact]
    public void Batch_normalization_is_folded_into_the_stack_which_then_computes_the_encoder_with_the_calibration_statistics()
    {
        using var g = new Generator(6);
        using var encoder = new AuxiliaryEncoder(ConvSpec with { BatchNorm = true }, CPU, g);
        using (no_grad())
        {
            // Scales and shifts away from their start (1 and 0), as after training.
            foreach (var (name, tensor) in encoder.State.Where(p => p.Key.StartsWith("norm", StringComparison.Ordinal)))
                tensor.copy_(randn(tensor.shape, generator: g) * 0.5 + (name.EndsWith("weight", StringComparison.Ordinal) ? 1 : 0));
        }
        // More examples than one chunk of the statistics pass, so that chunks are summed.
        using var x = rand([700, 64], generator: g);

        using var stack = encoder.ToStack([8, 8], null, "auxiliary:sameDifferent", calibration: x);
        using var expected = encoder.Forward(x);
        using var encoded = stack.Encode(x);

        encoded.allclose(expected, rtol: 1e-4, atol: 1e-5).Should().BeTrue("on the calibration examples the batch statistics are the folded ones");
        encoder.State.Keys.Should().Equal("hidden1.weight", "hidden1.bias", "hidden2.weight", "hidden2.bias", "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias");
        using var clone = encoder.Clone();
        using var cloned = clone.Forward(x);
        cloned.Identical(expected).Should().BeTrue("a clone copies the normalizations too");
        FluentActions.Invoking(() => encoder.ToStack([8, 8], null, "auxiliary:sameDifferent")).Should().Throw<ArgumentException>().WithMessage("*calibration*");
    }

    [Fact]
    public void Convolutions_that_do_not_fit_the_image_are_named_with_the_sizes()
    {
        var spec = ConvSpec with { Convolutions = [new ConvLayerSpec(4, new ConvolutionGeometry(3, PoolSize: 2)), new ConvLayerSpec(4, new ConvolutionGeometry(5))] };
        spec.Problems().Should().ContainSingle().Which.Should().Be(new Pretrain.Pretraining.Validation.OptionProblem("convolutions[1]", "kernel 5 does not fit a 3x3 input (after block 1: 4x3x3)."));
    }

    /// <summary>
    /// 8x8 images of smooth random blobs (4x4 noise upsampled): every image is different and its coarse structure
    /// survives small shifts, flips and brightness changes, so views of one image can be matched.
    /// </summary>
    private static Tensor Shapes(int count, int seed)
    {
        using var g = new Generator((ulong)seed);
        using var scope = NewDisposeScope();
        var coarse = rand([count, 1, 4, 4], generator: g);
        var images = nn.functional.interpolate(coarse, size: [8, 8], mode: InterpolationMode.Bilinear, align_corners: false);
        return images.reshape(count, 64).MoveToOuterDisposeScope();
    }
}
