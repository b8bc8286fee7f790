using Pretrain.Pretraining.Data;

namespace Pretrain.Pretraining.Tests.Data;

public sealed class CsvReaderTests : TempFolder
{
    private string Csv(string text) => IdxFiles.Write(PathOf("data.csv"), System.Text.Encoding.UTF8.GetBytes(text));

    [Fact]
    public void A_header_is_detected_and_the_label_column_is_found_by_name()
    {
        using var data = CsvReader.Read(Csv("a,label,b\n1.5,0,2\n-3,2,4e1\n"), new CsvOptions { LabelColumn = "label" });
        data.Features.data<float>().ToArray().Should().Equal(1.5f, 2f, -3f, 40f);
        data.Labels!.data<long>().ToArray().Should().Equal(0, 2);
        data.ClassCount.Should().Be(3);
    }

    [Fact]
    public void Without_a_header_the_label_column_is_an_index_and_fields_may_be_quoted()
    {
        using var data = CsvReader.Read(Csv("\"1\";2;1\n3;4;0\n"), new CsvOptions { LabelColumn = "2", Delimiter = ';' });
        data.Features.data<float>().ToArray().Should().Equal(1f, 2f, 3f, 4f);
        data.Labels!.data<long>().ToArray().Should().Equal(1, 0);
        using var unlabeled = CsvReader.Read(Csv("1,2\n3,4\n"));
        unlabeled.Labels.Should().BeNull();
        unlabeled.FeatureCount.Should().Be(2);
    }

    [Theory]
    [InlineData("a,b\n1,2\n3\n", "*data.csv: line 3: expected 2 fields, received 1.")]
    [InlineData("a,b\n1,x\n", "*data.csv: line 2, column 2: expected a number, received 'x'.")]
    [InlineData("a,b\n1,NaN\n", "*data.csv: line 2, column 2: expected a finite number, received NaN.")]
    [InlineData("a,b\n1,Infinity\n", "*data.csv: line 2, column 2: expected a finite number*")]
    [InlineData("", "*data.csv: empty file*")]
    [InlineData("a,b\n", "*data.csv: no data rows after the header.")]
    public void Bad_content_names_the_file_line_and_column(string text, string message)
    {
        var act = () => CsvReader.Read(Csv(text));
        act.Should().Throw<DataException>().WithMessage(message);
    }

    [Fact]
    public void Bad_labels_and_unknown_label_columns_are_reported()
    {
        var negative = () => CsvReader.Read(Csv("x,y\n1,-1\n"), new CsvOptions { LabelColumn = "y" });
        negative.Should().Throw<DataException>().WithMessage("*line 2, column 2: expected a non-negative integer label, received '-1'.");
        var unknown = () => CsvReader.Read(Csv("x,y\n1,1\n"), new CsvOptions { LabelColumn = "class" });
        unknown.Should().Throw<DataException>().WithMessage("*label column 'class' not found; the header has x, y.");
        var missing = () => CsvReader.Read(PathOf("missing.csv"));
        missing.Should().Throw<DataException>().WithMessage("*missing.csv: file not found.");
    }
}
