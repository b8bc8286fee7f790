using Pretrain.Pretraining.Layers.Autoencoders;
using Pretrain.Pretraining.Layers.Rbm;
using Pretrain.Pretraining.Validation;

namespace Pretrain.Pretraining.Tests.Validation;

public sealed class OptionValidationTests
{
    private sealed class Fixed(params OptionProblem[] problems) : IValidatedOptions
    {
        public IEnumerable<OptionProblem> Problems() => problems;
    }

    [Fact]
    public void Valid_options_pass_without_an_exception()
    {
        FluentActions.Invoking(() => new Fixed().ThrowIfInvalid("anything")).Should().NotThrow();
    }

    [Fact]
    public void Every_problem_is_listed_in_one_exception_after_the_name_of_what_the_options_configure()
    {
        var first = new OptionProblem("epochs", "expected a positive integer, received 0.");
        var second = new OptionProblem("hiddenLayers[1]", "expected a positive integer, received -3.");

        var error = FluentActions.Invoking(() => new Fixed(first, second).ThrowIfInvalid("some training"))
            .Should().Throw<InvalidOptionsException>().Which;

        error.Should().BeAssignableTo<PretrainException>("the command line prints project exceptions without a stack trace");
        error.Problems.Should().Equal(first, second);
        error.Message.Should().Be("some training: epochs: expected a positive integer, received 0. hiddenLayers[1]: expected a positive integer, received -3.");
    }

    [Fact]
    public void A_problem_seen_from_a_containing_section_gets_its_path_in_front()
    {
        var problem = new OptionProblem("fraction", "expected a number in (0, 1], received 2.");

        problem.Under("corruption").Under("pretraining.auxiliary").Path.Should().Be("pretraining.auxiliary.corruption.fraction");
        problem.Under("corruption").Message.Should().Be(problem.Message);
        problem.Under("").Should().Be(problem);
    }

    [Fact]
    public void Layer_trainers_refuse_bad_settings_when_built_with_the_problems_the_options_report()
    {
        var rbm = new RbmOptions { HiddenUnits = 5, CdSteps = 0 };
        var autoencoder = new AutoencoderOptions { HiddenUnits = 5, Momentum = 1 };

        FluentActions.Invoking(() => new RbmTrainer(rbm)).Should().Throw<InvalidOptionsException>()
            .Which.Problems.Should().Equal(rbm.Problems());
        FluentActions.Invoking(() => new AutoencoderTrainer(autoencoder)).Should().Throw<InvalidOptionsException>()
            .WithMessage($"autoencoder layer: momentum: {autoencoder.Problems().Single().Message}");
    }

    [Fact]
    public void Default_layer_settings_have_no_problems()
    {
        new RbmOptions { HiddenUnits = 5 }.Problems().Should().BeEmpty();
        new AutoencoderOptions { HiddenUnits = 5 }.Problems().Should().BeEmpty();
    }
}
