using Pretrain.Auxiliary.Text;
using Pretrain.Pretraining;

namespace Pretrain.Auxiliary.Tests.Text;

public sealed class JsonLinesCorpusTests : CorpusFolder
{
    private static readonly WordTokenizer Tokenizer = new();

    private IReadOnlyList<LabeledDocument> Jsonl(string text, string label = "label", string field = "text") =>
        JsonLinesCorpus.Load(Write("corpus.jsonl", text), label, field, Tokenizer);

    [Fact]
    public void Each_line_is_a_document_with_its_label_and_other_fields_are_ignored()
    {
        var documents = Jsonl("{\"label\": \"sports\", \"text\": \"A late goal\", \"id\": 7}\n\n{\"text\": \"Sunny, then rain\", \"label\": 2}\n{\"label\": null, \"text\": \"no label here\"}\n");
        documents.Select(d => d.Category).Should().Equal("sports", "2", "");
        documents[0].Words.Should().Equal("a", "late", "goal");
        documents[1].Words.Should().Equal("sunny", "then", "rain");
    }

    [Fact]
    public void Field_names_are_configurable()
    {
        var documents = Jsonl("{\"y\": \"pos\", \"review\": \"Loved it\"}\n", label: "y", field: "review");
        documents.Should().ContainSingle().Which.Category.Should().Be("pos");
    }

    [Theory]
    [InlineData("{\"label\": \"a\", \"text\": \"ok\"}\n{\"label\": \"b\", \"body\": \"x\"}\n", "*corpus.jsonl: line 2: expected a string field \"text\", received no such field.")]
    [InlineData("{\"label\": \"a\", \"text\": 5}\n", "*corpus.jsonl: line 1: expected a string field \"text\", received 5.")]
    [InlineData("\n{\"text\": \"ok\"}\n", "*corpus.jsonl: line 2: expected a field \"label\" (a string, a number or null), received no such field.")]
    [InlineData("{\"label\": [1], \"text\": \"ok\"}\n", "*line 1: expected a field \"label\"*received an array.")]
    [InlineData("{\"label\": \"a\", \"text\": \"ok\"}\n{\"label\": \"a\", \"text\": \n", "*corpus.jsonl: line 2: expected a JSON object, received invalid JSON*")]
    [InlineData("[1, 2]\n", "*corpus.jsonl: line 1: expected a JSON object, received an array.")]
    [InlineData("\n  \n", "*corpus.jsonl: empty file*")]
    public void Bad_lines_are_named_with_their_number_and_field(string text, string message)
    {
        var act = () => Jsonl(text);
        act.Should().Throw<DataException>().WithMessage(message);
    }
}
