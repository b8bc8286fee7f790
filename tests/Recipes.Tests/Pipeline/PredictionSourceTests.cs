using Pretrain.Pretraining;
using Pretrain.Recipes.Model;
using Pretrain.Recipes.Pipeline;

namespace Pretrain.Recipes.Tests.Pipeline;

public sealed class PredictionSourceTests
{
    [Theory]
    [InlineData("x.csv", typeof(CsvSourceSpec))]
    [InlineData("X.TSV", typeof(CsvSourceSpec))]
    [InlineData("x.npy", typeof(NpySourceSpec))]
    [InlineData("x.npz", typeof(NpzSourceSpec))]
    [InlineData("t10k-images-idx3-ubyte.gz", typeof(IdxSourceSpec))]
    [InlineData("images.idx", typeof(IdxSourceSpec))]
    public void The_format_comes_from_the_file_name(string name, Type kind) =>
        PredictionSource.For(name).Should().BeOfType(kind);

    [Fact]
    public void An_explicit_format_wins_and_carries_the_label_options()
    {
        PredictionSource.For("data.txt", "tsv", labelColumn: "y").Should().BeEquivalentTo(new CsvSourceSpec { Path = "data.txt", LabelColumn = "y", Delimiter = "\t" });
        PredictionSource.For("x.bin", "npy", labels: "y.npy").Should().BeEquivalentTo(new NpySourceSpec { Features = "x.bin", Labels = "y.npy" });
    }

    [Theory]
    [InlineData("data.parquet", null, null, null, "--format")]
    [InlineData("x.csv", "parquet", null, null, "--format: expected one of csv, tsv, npy, npz, idx, imageFolder, received 'parquet'")]
    [InlineData("x.npy", null, "label", null, "--label-column")]
    [InlineData("x.csv", null, null, "y.npy", "--labels")]
    public void Unknown_formats_and_label_options_that_do_not_fit_are_input_errors(string path, string? format, string? labelColumn, string? labels, string message) =>
        FluentActions.Invoking(() => PredictionSource.For(path, format, labelColumn, labels)).Should().Throw<PretrainException>().WithMessage($"*{message}*");
}
