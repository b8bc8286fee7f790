using Pretrain.Pretraining.Layers;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Layers;

public sealed class InterleavedLayerInputTests
{
    // Part A: rows 0..99, part B: rows 1000..1049, one value a row, so each batch says where its rows came from.
    private static InterleavedLayerInput TwoParts()
    {
        TensorLayerInput[] parts = [new(arange(100, ScalarType.Float32).reshape(100, 1)), new((arange(50, ScalarType.Float32) + 1000).reshape(50, 1))];
        return new InterleavedLayerInput(parts, owned: parts);
    }

    private static List<float[]> Pass(InterleavedLayerInput input, Generator? shuffle) =>
        input.Batches(10, shuffle, CPU).Select(b => b.data<float>().ToArray()).ToList();

    [Fact]
    public void A_shuffled_pass_reads_every_row_once_with_the_parts_spread_over_it_and_repeats_with_the_seed()
    {
        using var input = TwoParts();
        var batches = Pass(input, new Generator(7));

        batches.SelectMany(b => b).Order().Should().Equal(Enumerable.Range(0, 100).Concat(Enumerable.Range(1000, 50)).Select(v => (float)v));
        batches.Should().OnlyContain(b => b.All(v => v < 1000) || b.All(v => v >= 1000), "a batch holds rows of one part");
        var fromB = batches.Select((b, i) => (b, i)).Where(x => x.b[0] >= 1000).Select(x => x.i).ToList();
        fromB.Should().HaveCount(5);
        fromB.Min().Should().BeLessThan(10, "part B's batches are spread over the pass, not all after part A's 10");
        Pass(input, new Generator(7)).Should().BeEquivalentTo(batches, o => o.WithStrictOrdering(), "the same seed gives the same pass");
        Pass(input, new Generator(8)).Should().NotBeEquivalentTo(batches, o => o.WithStrictOrdering());
    }

    [Fact]
    public void Without_a_generator_the_parts_come_whole_in_order_and_mismatched_shapes_are_refused()
    {
        using var input = TwoParts();
        Pass(input, null).SelectMany(b => b).Should().Equal(Enumerable.Range(0, 100).Concat(Enumerable.Range(1000, 50)).Select(v => (float)v));
        input.Count.Should().Be(150);

        var mismatched = () => new InterleavedLayerInput([new TensorLayerInput(zeros(4, 2)), new TensorLayerInput(zeros(4, 3))]);
        mismatched.Should().Throw<ArgumentException>().WithMessage("*shape [2]*received [3]*");
    }
}
