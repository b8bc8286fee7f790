using Pretrain.Auxiliary.Text;
using Pretrain.Pretraining;

namespace Pretrain.Auxiliary.Tests.Text;

public sealed class DelimitedCorpusTests : CorpusFolder
{
    private static readonly WordTokenizer Tokenizer = new();

    private IReadOnlyList<LabeledDocument> Csv(string text, TextCorpusOptions? options = null, char delimiter = ',') =>
        DelimitedCorpus.Load(Write("corpus.csv", text), delimiter, options ?? new TextCorpusOptions(), Tokenizer);

    [Fact]
    public void A_header_is_detected_and_quoted_texts_keep_their_commas_quotes_and_newlines()
    {
        var documents = Csv("label,text\nsports,\"The match, at last\"\n\nweather,\"Rain \"\"again\"\"\nand wind\"\n");
        documents.Select(d => d.Category).Should().Equal("sports", "weather");
        documents[0].Words.Should().Equal("the", "match", "at", "last");
        documents[1].Words.Should().Equal("rain", "again", "and", "wind");
    }

    [Fact]
    public void Without_a_header_the_first_column_is_the_label_and_the_second_the_text()
    {
        var documents = Csv("a,first text here\nb,second text\n");
        documents.Select(d => d.Category).Should().Equal("a", "b");
        documents[0].Words.Should().Equal("first", "text", "here");
    }

    [Fact]
    public void Columns_are_found_by_header_name_in_a_tsv()
    {
        var options = new TextCorpusOptions { LabelField = "topic", TextField = "body" };
        var documents = Csv("id\tbody\ttopic\n1\tcats purr\tanimals\n2\t\"engines, roar\"\tmachines\n", options, '\t');
        documents.Select(d => d.Category).Should().Equal("animals", "machines");
        documents[1].Words.Should().Equal("engines", "roar");
    }

    [Fact]
    public void Columns_are_found_by_index_and_an_explicit_header_is_skipped()
    {
        var options = new TextCorpusOptions { LabelField = "2", TextField = "0", Header = true };
        var documents = Csv("words;x;y\none two;0;pos\nthree;0;neg\n", options, ';');
        documents.Select(d => d.Category).Should().Equal("pos", "neg");
        documents[1].Words.Should().Equal("three");
    }

    [Fact]
    public void A_short_row_is_named_by_line_and_column()
    {
        var act = () => Csv("label,text\nsports,\"two\nlines\"\nweather\n");
        act.Should().Throw<DataException>().WithMessage("*corpus.csv: line 4, column 2 ('text'): expected a field, received a row of 1 field(s).");
    }

    [Fact]
    public void Unknown_columns_unclosed_quotes_and_empty_files_are_reported()
    {
        var unknown = () => Csv("label,text\na,b\n", new TextCorpusOptions { TextField = "review" });
        unknown.Should().Throw<DataException>().WithMessage("*text column 'review' not found; the header has label, text.");
        var unclosed = () => Csv("label,text\na,\"open\nb,c\n");
        unclosed.Should().Throw<DataException>().WithMessage("*corpus.csv: line 2: expected a well-formed record, received malformed quoting*");
        var empty = () => Csv("\n\n");
        empty.Should().Throw<DataException>().WithMessage("*corpus.csv: empty file*");
    }
}
