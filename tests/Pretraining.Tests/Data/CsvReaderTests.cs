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
    [InlineData("a,b\n1,x\n", "*data.csv: line 2, column 2 ('b'): expected a number, received 'x'.")]
    [InlineData("1,2\n1,x\n", "*data.csv: line 2, column 2: expected a number, received 'x'.")]
    [InlineData("a,b\n1,NaN\n", "*data.csv: line 2, column 2 ('b'): expected a finite number, received NaN.")]
    [InlineData("a,b\n1,Infinity\n", "*data.csv: line 2, column 2 ('b'): expected a finite number*")]
    [InlineData("a,b\n1,\"2\n3,4\n", "*data.csv: line 2: expected a well-formed record, received malformed quoting*")]
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
        negative.Should().Throw<DataException>().WithMessage("*line 2, column 2 ('y'): expected a non-negative integer label, received '-1'.");
        var unknown = () => CsvReader.Read(Csv("x,y\n1,1\n"), new CsvOptions { LabelColumn = "class" });
        unknown.Should().Throw<DataException>().WithMessage("*label column 'class' not found; the header has x, y.");
        var missing = () => CsvReader.Read(PathOf("missing.csv"));
        missing.Should().Throw<DataException>().WithMessage("*missing.csv: file not found.");
    }

    [Fact]
    public void A_quoted_field_may_hold_the_delimiter_doubled_quotes_and_a_newline()
    {
        var header = Csv("\"x,1\",\"y \"\"2\"\"\nz\",label\n\"1.5\",2,\"1\"\n3,\" 4\",0\n");
        using var data = CsvReader.Read(header, new CsvOptions { LabelColumn = "label" });
        data.Features.data<float>().ToArray().Should().Equal(1.5f, 2f, 3f, 4f);
        data.Labels!.data<long>().ToArray().Should().Equal(1, 0);
        var named = () => CsvReader.Read(Csv("\"x,1\",b\n1,2\n\"a\",3\n"));
        named.Should().Throw<DataException>().WithMessage("*line 3, column 1 ('x,1'): expected a number, received 'a'.");

        var path = Csv("a,b\n1,2\n\"3\n\",4\n\n5,oops\n");
        var act = () => CsvReader.Read(path);
        act.Should().Throw<DataException>().WithMessage("*line 6, column 2 ('b'): expected a number, received 'oops'.",
            "the quoted newline in line 3 and the blank line 5 still count as lines");
    }

    [Theory]
    [InlineData(';')]
    [InlineData('\t')]
    [InlineData('|')]
    public void Other_delimiters_are_read_when_named(char delimiter)
    {
        var text = $"f1{delimiter}label{delimiter}f2\n0.5{delimiter}3{delimiter}\"-1\"\n2{delimiter}1{delimiter}7\n";
        using var data = CsvReader.Read(Csv(text), new CsvOptions { LabelColumn = "label", Delimiter = delimiter });
        data.Features.data<float>().ToArray().Should().Equal(0.5f, -1f, 2f, 7f);
        data.Labels!.data<long>().ToArray().Should().Equal(3, 1);
    }

    [Fact]
    public void A_semicolon_file_read_with_the_default_comma_is_one_column_and_its_error_names_the_column()
    {
        var act = () => CsvReader.Read(Csv("a;b\n\n3;4\n"));
        act.Should().Throw<DataException>().WithMessage("*data.csv: line 3, column 1 ('a;b'): expected a number, received '3;4'.");
    }

    [Fact]
    public void A_file_of_200000_rows_is_streamed_into_the_right_values()
    {
        const int rows = 200_000;
        var path = PathOf("large.csv");
        var text = new System.Text.StringBuilder("x,y,class\n", rows * 20);
        for (var i = 0; i < rows; i++)
            text.Append(i).Append(',').Append(i / 2).Append(i % 2 == 0 ? ".0," : ".5,").Append(i % 7).Append('\n');
        File.WriteAllText(path, text.ToString());
        // Correctness only: speed belongs in benchmarks/, not in a timed test on a shared machine.
        using var data = CsvReader.Read(path, new CsvOptions { LabelColumn = "class" });
        data.Features.shape.Should().Equal(rows, 2);
        var values = data.Features.data<float>().ToArray();
        var labels = data.Labels!.data<long>().ToArray();
        foreach (var i in new[] { 0, 1, 1023, 1024, 65_537, rows - 1 })
        {
            values[2 * i].Should().Be(i);
            values[2 * i + 1].Should().Be(i * 0.5f);
            labels[i].Should().Be(i % 7);
        }
        labels.Sum().Should().Be(Enumerable.Range(0, rows).Sum(i => (long)(i % 7)));
    }
}
